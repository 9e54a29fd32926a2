//! The language server: LSP requests and notifications mapped onto the
//! document store, the analysis and the editor features.

use super::actions;
use super::analysis::{self, Analysis, Context};
use super::completion;
use super::documents::{Document, Documents};
use super::hover;
use super::pool::Pool;
use super::position::Encoding;
use chatlint_workspace::config::{ConfigCache, FILE_NAME};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, RwLock};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// What was negotiated with the client at `initialize`.
#[derive(Debug, Default, Clone)]
pub struct Negotiated {
    pub encoding: Encoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`); the server
    /// then does not push them.
    pub pull: bool,
    /// The client accepts `workspace/diagnostic/refresh`.
    pub refresh: bool,
    pub snippets: bool,
    pub hover_markdown: bool,
    pub completion_markdown: bool,
    /// The client can register file watchers at run time.
    pub watch_files: bool,
    /// The first workspace folder.
    pub root: Option<PathBuf>,
}

impl Negotiated {
    fn from(params: &InitializeParams) -> Negotiated {
        let caps = &params.capabilities;
        let td = caps.text_document.as_ref();
        let markdown = |formats: Option<&Vec<MarkupKind>>| formats.is_some_and(|f| f.contains(&MarkupKind::Markdown));
        let completion_item = td.and_then(|t| t.completion.as_ref()).and_then(|c| c.completion_item.as_ref());
        let root_uri = params.workspace_folders.as_ref().and_then(|f| f.first()).map(|f| &f.uri).or({
            #[allow(deprecated)]
            params.root_uri.as_ref()
        });
        Negotiated {
            encoding: Encoding::negotiate(caps.general.as_ref().and_then(|g| g.position_encodings.as_deref())),
            pull: td.is_some_and(|t| t.diagnostic.is_some()),
            refresh: caps
                .workspace
                .as_ref()
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            snippets: completion_item.and_then(|c| c.snippet_support).unwrap_or(false),
            hover_markdown: markdown(td.and_then(|t| t.hover.as_ref()).and_then(|h| h.content_format.as_ref())),
            completion_markdown: markdown(completion_item.and_then(|c| c.documentation_format.as_ref())),
            watch_files: caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            root: root_uri.and_then(analysis::file_path),
        }
    }
}

struct State {
    docs: Mutex<Documents>,
    configs: RwLock<Arc<ConfigCache>>,
    /// Bumped whenever the configs are reloaded; analyses of an older
    /// generation are stale.
    generation: AtomicU64,
    caps: OnceLock<Negotiated>,
    /// Serialises "is this still current? publish it" so that an older
    /// analysis never overwrites a newer one on the client.
    publish: tokio::sync::Mutex<()>,
    /// Where every analysis runs: the work in flight is bounded.
    pool: Pool,
    shutdown: Arc<AtomicBool>,
}

/// How a run of the analysis ended.
enum Outcome {
    Done(Arc<Analysis>),
    /// The document was closed before the analysis started: none was made.
    Closed,
    /// The analysis panicked.
    Failed,
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs an editor feature; a bug in it costs that answer, not the server.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

impl Backend {
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Backend {
        let state = State {
            docs: Mutex::new(Documents::default()),
            configs: RwLock::new(Arc::new(analysis::new_cache())),
            generation: AtomicU64::new(0),
            caps: OnceLock::new(),
            publish: tokio::sync::Mutex::new(()),
            pool: Pool::for_this_machine(),
            shutdown,
        };
        Backend { client, state: Arc::new(state) }
    }

    fn caps(&self) -> Negotiated {
        self.state.caps.get().cloned().unwrap_or_default()
    }

    /// Lints one open of a document on the pool (a 1 MB document takes
    /// milliseconds; a panic there costs only this analysis). The text is
    /// the latest when the job starts, so an analysis that waited in the
    /// queue never works on an outdated version, and none is made for a
    /// document closed by then.
    async fn run_analysis(state: &Arc<State>, uri: &Uri, open: u64) -> Outcome {
        let (state2, uri) = (state.clone(), uri.clone());
        let job = move || {
            let state = state2;
            // The generation before the configs: a reload in between makes
            // this analysis look stale (redone), never current.
            let generation = state.generation.load(Ordering::SeqCst);
            let snapshot = {
                let docs = lock(&state.docs);
                let doc = docs.by_uri.get(&uri).filter(|d| d.snapshot.open == open)?;
                // Another job (a request's, the lint loop's) did this text already.
                if let Some(done) = doc.current_analysis().filter(|a| a.generation == generation) {
                    return Some(done);
                }
                doc.snapshot.clone()
            };
            let configs = state.configs.read().unwrap_or_else(PoisonError::into_inner).clone();
            let caps = state.caps.get().cloned().unwrap_or_default();
            let cx = Context { configs: &configs, root: caps.root.as_deref(), encoding: caps.encoding, generation };
            Some(Arc::new(analysis::analyze(snapshot, &cx)))
        };
        match state.pool.run(job).await {
            Some(Some(analysis)) => Outcome::Done(analysis),
            Some(None) => Outcome::Closed,
            None => Outcome::Failed,
        }
    }

    /// Keeps `analysis` if it is of the document's current text (same open,
    /// same revision) and config generation. Returns the log line to
    /// write, if any.
    fn store(state: &State, analysis: &Arc<Analysis>) -> (bool, Option<String>) {
        let mut docs = lock(&state.docs);
        let Some(doc) = docs.by_uri.get_mut(&analysis.snapshot.uri) else { return (false, None) };
        let current = doc.snapshot.revision == analysis.snapshot.revision
            && analysis.generation == state.generation.load(Ordering::SeqCst);
        if !current {
            return (false, None);
        }
        doc.analysis = Some(analysis.clone());
        if analysis.method.is_some() {
            doc.snapshot.last_method = analysis.method;
        }
        let log = (doc.logged.as_deref() != Some(analysis.note.as_str())).then(|| {
            doc.logged = Some(analysis.note.clone());
            format!("{}: {}", analysis.snapshot.uri.as_str(), analysis.note)
        });
        (true, log)
    }

    /// The analysis of the document's current text, computed if needed;
    /// `None` when the document is closed (or closed and opened again)
    /// before it is ready: an analysis answers only for its own open.
    async fn analysis(&self, uri: &Uri) -> Option<Arc<Analysis>> {
        let open = {
            let docs = lock(&self.state.docs);
            let doc = docs.by_uri.get(uri)?;
            if let Some(a) = doc.current_analysis()
                && a.generation == self.state.generation.load(Ordering::SeqCst)
            {
                return Some(a);
            }
            doc.snapshot.open
        };
        let Outcome::Done(analysis) = Self::run_analysis(&self.state, uri, open).await else { return None };
        if let (_, Some(line)) = Self::store(&self.state, &analysis) {
            self.client.log_message(MessageType::INFO, line).await;
        }
        let still_open = lock(&self.state.docs).by_uri.get(uri).is_some_and(|d| d.snapshot.open == open);
        still_open.then_some(analysis)
    }

    /// What completion needs: the current text with the method and config
    /// of the last analysis, even one of an older version. Completion never
    /// waits for a full analysis of a large document being typed in.
    async fn completion_context(&self, uri: &Uri) -> Option<Arc<Analysis>> {
        {
            let docs = lock(&self.state.docs);
            let doc = docs.by_uri.get(uri)?;
            let generation = self.state.generation.load(Ordering::SeqCst);
            if let Some(last) = doc.analysis.as_ref().filter(|a| a.generation == generation) {
                if last.snapshot.revision == doc.snapshot.revision {
                    return Some(last.clone());
                }
                return Some(Arc::new(Analysis {
                    snapshot: doc.snapshot.clone(),
                    method: last.method,
                    layout: last.layout,
                    config: last.config.clone(),
                    diagnostics: Vec::new(),
                    lsp: Vec::new(),
                    note: last.note.clone(),
                    generation,
                }));
            }
        }
        self.analysis(uri).await
    }

    /// Push mode: makes sure the document gets linted and its diagnostics
    /// published. At most one analysis per document runs at a time; edits
    /// made meanwhile are picked up by the next round, so fast typing on a
    /// large document never queues more than one stale run.
    fn schedule(&self, uri: &Uri) {
        if self.caps().pull {
            return;
        }
        let open = {
            let mut docs = lock(&self.state.docs);
            let Some(doc) = docs.by_uri.get_mut(uri) else { return };
            if doc.linting {
                return;
            }
            doc.linting = true;
            doc.snapshot.open
        };
        let state = self.state.clone();
        let client = self.client.clone();
        let uri = uri.clone();
        tokio::spawn(async move { Self::lint_loop(state, client, uri, open).await });
    }

    /// Lints one open of a document until its diagnostics are published
    /// or it is closed: a document closed (and maybe opened again: that
    /// open has its own loop) ends the loop, its analysis dropped.
    async fn lint_loop(state: Arc<State>, client: Client, uri: Uri, open: u64) {
        let this_open = |docs: &Documents| docs.by_uri.get(&uri).filter(|d| d.snapshot.open == open).is_some();
        loop {
            let analysis = match Self::run_analysis(&state, &uri, open).await {
                Outcome::Done(analysis) => analysis,
                Outcome::Closed => return,
                Outcome::Failed => {
                    if let Some(d) = lock(&state.docs).by_uri.get_mut(&uri).filter(|d| d.snapshot.open == open) {
                        d.linting = false;
                    }
                    let message =
                        format!("{}: the analysis failed (a bug in chatlint; please report it)", uri.as_str());
                    client.log_message(MessageType::ERROR, message).await;
                    return;
                }
            };
            let (current, log) = Self::store(&state, &analysis);
            if let Some(line) = log {
                client.log_message(MessageType::INFO, line).await;
            }
            if !current {
                if !this_open(&lock(&state.docs)) {
                    return; // closed meanwhile: dropped
                }
                continue; // edited (or reconfigured) meanwhile: lint the newer text
            }
            let _publishing = state.publish.lock().await;
            {
                let mut docs = lock(&state.docs);
                let Some(doc) = docs.by_uri.get_mut(&uri).filter(|d| d.snapshot.open == open) else { return };
                if doc.snapshot.revision != analysis.snapshot.revision
                    || analysis.generation != state.generation.load(Ordering::SeqCst)
                {
                    continue;
                }
                doc.linting = false;
            }
            client.publish_diagnostics(uri.clone(), analysis.lsp.clone(), Some(analysis.snapshot.version)).await;
            return;
        }
    }

    /// A chatlint.toml changed: forget every config and re-lint.
    async fn reload_configs(&self, why: &str) {
        *self.state.configs.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(analysis::new_cache());
        self.state.generation.fetch_add(1, Ordering::SeqCst);
        let uris: Vec<Uri> = {
            let mut docs = lock(&self.state.docs);
            for doc in docs.by_uri.values_mut() {
                doc.analysis = None;
                // Whether it is a request is decided afresh under the new config.
                doc.snapshot.last_method = None;
            }
            docs.by_uri.keys().cloned().collect()
        };
        self.client
            .log_message(
                MessageType::INFO,
                format!("{why}: configs reloaded; re-linting {} open documents", uris.len()),
            )
            .await;
        let caps = self.caps();
        if caps.pull {
            if caps.refresh {
                // Not awaited here: a client that never answers would hold
                // one of tower-lsp-server's few handler slots for good.
                let client = self.client.clone();
                tokio::spawn(async move { client.workspace_diagnostic_refresh().await });
            }
        } else {
            for uri in &uris {
                self.schedule(uri);
            }
        }
    }

    fn is_config(uri: &Uri) -> bool {
        uri.path().as_str().rsplit('/').next() == Some(FILE_NAME)
    }

    fn offset(analysis: &Analysis, position: Position, encoding: Encoding) -> usize {
        analysis.snapshot.mapper(encoding).offset(position)
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = Negotiated::from(&params);
        let diagnostic_provider = caps.pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("chatlint".into()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                work_done_progress_options: Default::default(),
            })
        });
        let encoding = caps.encoding;
        let _ = self.state.caps.set(caps);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec!["\"".into()]),
                    ..Default::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::SOURCE_FIX_ALL]),
                    ..Default::default()
                })),
                diagnostic_provider,
                ..Default::default()
            },
            server_info: Some(ServerInfo { name: "chatlint".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let caps = self.caps();
        self.client
            .log_message(
                MessageType::INFO,
                format!(
                    "chatlint {} language server: positions in {}, diagnostics {}",
                    env!("CARGO_PKG_VERSION"),
                    caps.encoding.kind().as_str(),
                    if caps.pull { "pulled by the client" } else { "pushed" }
                ),
            )
            .await;
        if caps.watch_files {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{FILE_NAME}")),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "chatlint-config-watcher".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            // Not awaited by the handler (see `reload_configs`).
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(e) = client.register_capability(vec![registration]).await {
                    client.log_message(MessageType::WARNING, format!("could not watch {FILE_NAME}: {e}")).await;
                }
            });
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let uri = td.uri.clone();
        lock(&self.state.docs).by_uri.insert(td.uri.clone(), Document::new(td.uri, td.version, td.text));
        self.schedule(&uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Applied before the first await, so in the order the client sent them.
        let uri = params.text_document.uri;
        let encoding = self.caps().encoding;
        {
            let mut docs = lock(&self.state.docs);
            let Some(doc) = docs.by_uri.get_mut(&uri) else { return };
            doc.apply(params.text_document.version, params.content_changes, encoding);
        }
        self.schedule(&uri);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if Self::is_config(&params.text_document.uri) {
            self.reload_configs(&format!("{} saved", params.text_document.uri.as_str())).await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        lock(&self.state.docs).by_uri.remove(&uri);
        if !self.caps().pull {
            let _publishing = self.state.publish.lock().await;
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        if params.changes.iter().any(|c| Self::is_config(&c.uri)) {
            self.reload_configs(&format!("{FILE_NAME} changed")).await;
        }
    }

    async fn did_change_configuration(&self, _: DidChangeConfigurationParams) {
        self.reload_configs("configuration changed").await;
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let items = match self.analysis(&params.text_document.uri).await {
            Some(a) => a.lsp.clone(),
            None => Vec::new(),
        };
        Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
            },
        )))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some(analysis) = self.analysis(&params.text_document.uri).await else { return Ok(None) };
        let encoding = self.caps().encoding;
        let only = params.context.only.as_deref();
        let actions = guarded(|| {
            let range = analysis.snapshot.mapper(encoding).text_range(params.range);
            actions::code_actions(&analysis, range, only, encoding)
        });
        Ok(actions.map(|a| a.into_iter().map(CodeActionOrCommand::CodeAction).collect()))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let Some(analysis) = self.analysis(&pos.text_document.uri).await else { return Ok(None) };
        let caps = self.caps();
        let found = guarded(|| hover::hover(&analysis, Self::offset(&analysis, pos.position, caps.encoding))).flatten();
        Ok(found.map(|(value, range)| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: if caps.hover_markdown { MarkupKind::Markdown } else { MarkupKind::PlainText },
                value,
            }),
            range: Some(analysis.snapshot.mapper(caps.encoding).range(range)),
        }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        let Some(analysis) = self.completion_context(&pos.text_document.uri).await else { return Ok(None) };
        let caps = self.caps();
        let opts = completion::Options {
            snippets: caps.snippets,
            markdown: caps.completion_markdown,
            encoding: caps.encoding,
        };
        let items =
            guarded(|| completion::complete(&analysis, Self::offset(&analysis, pos.position, caps.encoding), opts));
        Ok(items.filter(|i| !i.is_empty()).map(CompletionResponse::Array))
    }
}
