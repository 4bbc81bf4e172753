//! The baseline for the list: the same SQL the list runs, with its values written in, run by the
//! database's own shell (`sqlite3` with `.timer on`, `psql` with `\timing on`), which reports
//! the time of each statement inside the database connection (no process start, no parsing of
//! the answer by our code).

use std::{
    io::Write,
    process::{Command, Stdio},
    time::Duration,
};

use billing_reports::server::db::Backend;
use rust_decimal::Decimal;

pub enum Shell {
    Sqlite { file: String },
    Postgres { url: String },
}

impl Shell {
    pub fn for_url(backend: Backend, url: &str) -> Self {
        match backend {
            Backend::Sqlite => {
                let path = url
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                let file = path.split('?').next().unwrap_or(path).to_owned();
                Self::Sqlite { file }
            }
            Backend::Postgres => Self::Postgres {
                url: url.to_owned(),
            },
        }
    }

    /// Runs `statements` (one list page) `runs` times; answers each run's time, the sum of its
    /// statements' times as the shell measured them.
    pub fn time(&self, statements: &[String], runs: usize) -> Vec<Duration> {
        let mut script = String::new();
        let (program, args, prefix): (&str, Vec<String>, &str) = match self {
            Self::Sqlite { file } => {
                script.push_str(".timer on\n.output /dev/null\n");
                (
                    "sqlite3",
                    vec!["-batch".into(), file.clone()],
                    "Run Time: real ",
                )
            }
            Self::Postgres { url } => {
                script.push_str("\\timing on\n\\o /dev/null\n");
                let args = vec!["-X".into(), "-q".into(), url.clone()];
                ("psql", args, "Time: ")
            }
        };
        for _ in 0..runs {
            for statement in statements {
                script.push_str(statement);
                script.push_str(";\n");
            }
        }
        let mut child = Command::new(program)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| panic!("{program}: {error}"));
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(script.as_bytes())
            .expect("the script");
        let output = child.wait_with_output().expect("the shell's answer");
        assert!(output.status.success(), "{program} failed");
        let times: Vec<Duration> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.strip_prefix(prefix))
            .filter_map(|rest| {
                let number: Decimal = rest.split_whitespace().next()?.parse().ok()?;
                // sqlite3 says seconds, psql milliseconds.
                let per_micro = match self {
                    Self::Sqlite { .. } => Decimal::from(1_000_000),
                    Self::Postgres { .. } => Decimal::from(1_000),
                };
                let micros = u64::try_from((number * per_micro).round()).ok()?;
                Some(Duration::from_micros(micros))
            })
            .collect();
        assert_eq!(
            times.len(),
            runs * statements.len(),
            "{program} timed {} statements of {}",
            times.len(),
            runs * statements.len()
        );
        times
            .chunks(statements.len())
            .map(|run| run.iter().sum())
            .collect()
    }
}
