-- A real, independent LSP client for tests/lsp_nvim.rs: headless neovim
-- (0.7 from Debian 12 or newer) starts `chatlint lsp`, and this script
-- records what it gets into one JSON file, which the Rust test asserts.
--
--   LSP_BIN=target/debug/chatlint FIXTURE=a.setup.json NEWFILE=b.setup.json OUT=out.json \
--     nvim --headless -u NONE -i NONE -n -c 'luafile tests/nvim/lsp_client.lua'
--
-- FIXTURE: a request with findings, among them `user-name-format` (with its quick fix).
-- NEWFILE: a request being written, whose `spaceType` has no value yet.

local out = { ok = false, nvim = vim.version(), steps = {} }
local published = {} -- uri -> latest publishDiagnostics params
local publishes = 0

local function step(name) table.insert(out.steps, name) end

local function finish()
  local f = io.open(os.getenv('OUT'), 'w')
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd('qa!')
end

local function first_result(responses)
  for _, r in pairs(responses or {}) do
    if r.result ~= nil then return r.result end
  end
  return nil
end

local function labels(result)
  local items = result and (result.items or result) or {}
  local l = {}
  for _, item in ipairs(items) do table.insert(l, item.label) end
  table.sort(l)
  return l
end

local function codes(params)
  local c = {}
  for _, d in ipairs((params or {}).diagnostics or {}) do
    table.insert(c, { code = d.code, range = d.range, severity = d.severity, source = d.source })
  end
  return c
end

local function run()
  local fixture = os.getenv('FIXTURE')
  vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_option(buf, 'filetype', 'json')
  local uri = vim.uri_from_bufnr(buf)

  local config = {
    name = 'chatlint',
    cmd = { os.getenv('LSP_BIN') or 'chatlint', 'lsp' },
    root_dir = vim.fn.getcwd(),
    flags = { debounce_text_changes = 0 },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, result)
        published[result.uri] = result
        publishes = publishes + 1
      end,
    },
  }
  local id
  if vim.lsp.start then
    id = vim.lsp.start(config, { bufnr = buf })
  else
    id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, id)
  end
  out.client_id = id

  -- 1. Diagnostics on open.
  if not vim.wait(15000, function() return published[uri] ~= nil end, 10) then
    out.error = 'no diagnostics for ' .. uri
    return
  end
  step('diagnostics')
  out.diagnostics = codes(published[uri])

  -- 2. Hover on the `spaceType` key.
  local line, col
  for i, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = text:find('"spaceType"', 1, true)
    if s then line, col = i - 1, s + 1 end
  end
  local hover = first_result(vim.lsp.buf_request_sync(buf, 'textDocument/hover',
    { textDocument = { uri = uri }, position = { line = line, character = col } }, 5000))
  out.hover = hover and hover.contents and (hover.contents.value or hover.contents) or vim.NIL
  step('hover')

  -- 3. The quick fix for `people/123456789`, applied to the buffer.
  local target
  for _, d in ipairs(published[uri].diagnostics) do
    if d.code == 'user-name-format' then target = d end
  end
  if target then
    local actions = first_result(vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
      textDocument = { uri = uri }, range = target.range, context = { diagnostics = { target } },
    }, 5000)) or {}
    out.actions = {}
    for _, a in ipairs(actions) do
      table.insert(out.actions, { title = a.title, kind = a.kind, preferred = a.isPreferred })
      if a.kind == 'quickfix' and a.isPreferred and a.edit then
        local before = publishes
        vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16')
        out.fixed_text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
        -- nvim sends didChange; the server publishes again.
        vim.wait(15000, function() return publishes > before and published[uri].version ~= 0 end, 10)
        out.after_fix = codes(published[uri])
      end
    end
    step('code action')
  end

  -- 4. Completion in a request being written.
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('NEWFILE')))
  local nbuf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_option(nbuf, 'filetype', 'json')
  if not vim.lsp.start then vim.lsp.buf_attach_client(nbuf, id) end
  local nuri = vim.uri_from_bufnr(nbuf)
  local nlines = vim.api.nvim_buf_get_lines(nbuf, 0, -1, false)
  local function complete(l, c)
    return labels(first_result(vim.lsp.buf_request_sync(nbuf, 'textDocument/completion',
      { textDocument = { uri = nuri }, position = { line = l, character = c } }, 5000)))
  end
  vim.wait(15000, function() return published[nuri] ~= nil end, 10)
  -- Right after `"space": {` (line 2): property names.
  out.keys = complete(1, #nlines[2])
  -- After `"spaceType": ` (line 3): the space types.
  out.values = complete(2, #nlines[3])
  step('completion')

  out.ok = true
end

local ok, err = pcall(run)
if not ok then out.error = tostring(err) end
pcall(function()
  vim.lsp.stop_client(out.client_id)
  vim.wait(3000, function() return vim.lsp.get_client_by_id(out.client_id) == nil end, 20)
end)
finish()
