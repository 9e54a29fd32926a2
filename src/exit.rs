//! The exit codes of `chatlint check`, `chatlint rule` and `chatlint plan`,
//! in one place. README.md ("Exit codes"), docs/send.md ("Exit codes with
//! `--send`") and docs/plan.md ("Exit codes") list them; tests/docs.rs
//! holds the tables to [`Exit::ALL`].

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above `--fail-on`; with `--send`, every request done.
    Ok,
    /// A problem in the files: findings at or above `--fail-on`, changes
    /// `--diff` would make, the send gate, files sharing a requestId for
    /// different requests, or a request that failed.
    Fail,
    /// chatlint could not do what it was asked: a usage error, a bad
    /// config, a file that could not be read, a report that could not be
    /// written, or `--send` without usable credentials. (clap's own usage
    /// errors exit with 2 as well.)
    Error,
    /// `chatlint plan --detailed-exitcode`: the plan has changes (create,
    /// update, delete), and no finding, conflict or unreadable state.
    ChangesPending,
    /// A signal (SIGINT or SIGTERM) stopped `--send`: 128 + 2, as a shell
    /// reports a process ended by SIGINT.
    Interrupted,
}

impl Exit {
    pub const ALL: [Exit; 5] = [Exit::Ok, Exit::Fail, Exit::Error, Exit::ChangesPending, Exit::Interrupted];

    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Fail => 1,
            Exit::Error => 2,
            Exit::ChangesPending => 3,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}
