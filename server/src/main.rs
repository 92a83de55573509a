//! `wsis-server [serve]` runs the platform; other subcommands administer it.

use std::process::ExitCode;

use wsis::account::Role;
use wsis::db::{Config, Services};

const USAGE: &str = "usage:
  wsis-server [serve]                      run the web server (DATABASE_URL, DATA_DIR, PUBLIC_URL, …)
  wsis-server migrate                      apply database migrations and exit
  wsis-server create-admin --email E --password P [--name N]
                                           create (or promote) a confirmed admin account
  wsis-server export --edition YEAR --format csv|json|xlsx|ledger|digest|bulletin|participation --out FILE [--as EMAIL]
                                           write a results file; before release only with
                                           --as an admin's or announcer's account
  wsis-server backup --out FILE            consistent copy of the SQLite database while it runs
                                           (VACUUM INTO; PostgreSQL: use pg_dump)
  wsis-server verify --ledger FILE --digest FILE
                                           recount a published ledger against its digest
  wsis-server verify-log                   recompute the audit log's hash chain; prints its head,
                                           or where it breaks (exit status 1)
  wsis-server export-log --out FILE        write the audit log as JSON lines with its chain, for
                                           observers and public/verify/wsis_verify.py --log";

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt.block_on(run()),
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// glibc keeps freed memory in per-thread arenas, and after the first large block is freed
/// it raises its threshold for mapping blocks of their own (up to 32 MiB): the 19 MiB of
/// every password hash (argon2id) then come from the arenas and stay there after a burst of
/// sign-ins. A fixed threshold of 1 MiB gives every large block its own mapping, returned
/// to the system when freed. The number of arenas stays glibc's own (8 per core): bounding
/// it to two made the threads of a vote burst wait on each other's arena locks (a fifth of
/// the server's time in the profile). `MALLOC_MMAP_THRESHOLD_` and `MALLOC_ARENA_MAX` in
/// the environment still decide when set.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called before any other thread exists; mallopt only sets allocator limits.
    unsafe {
        if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        }
    }
}

async fn run() -> ExitCode {
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot prepare the data folder: {e}");
            return ExitCode::FAILURE;
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=warn"));
    if config.log_json {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => run_server(config).await,
        Some("migrate") => wsis_server::prepare(&config, false).await.map(|_| println!("migrations applied")),
        Some("create-admin") => create_admin(config, &args).await,
        Some("export") => export(config, &args).await,
        Some("verify") => verify(&args),
        Some("backup") => backup(config, &args).await,
        Some("verify-log") => verify_log(config).await,
        Some("export-log") => export_log(config, &args).await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command “{other}”\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn run_server(config: Config) -> Result<(), String> {
    // Demo data is the laptop command's choice (scripts/run.sh sets DEMO_DATA=1); a server
    // started without it never creates the demo accounts.
    let demo = config.demo;
    let db = wsis_server::prepare(&config, demo.is_some()).await?;
    let options = wsis_server::leptos_options(&config);
    let addr = options.site_addr;
    let services = Services::new(db, config);
    if demo == Some(wsis::db::config::DemoPhase::Review) {
        wsis::db::seed::bring_to_review_audited(&services, services.now()).await.map_err(|e| format!("demo review: {e}"))?;
        tracing::info!("demo edition brought to its expert review");
    }
    wsis_server::start_workers(&services);
    let app = wsis_server::router(services.clone(), options);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("WSIS Prizes platform listening on http://{addr}");
    let served = wsis_server::serve(listener, app).await.map_err(|e| e.to_string());
    // what requests started in the background finishes, and its mail goes out
    services.background.idle().await;
    let _ = wsis::db::mail::deliver_due(&services).await;
    served
}

async fn create_admin(config: Config, args: &[String]) -> Result<(), String> {
    let email = arg(args, "--email").ok_or_else(|| format!("--email is required\n{USAGE}"))?;
    let password = arg(args, "--password").ok_or_else(|| format!("--password is required\n{USAGE}"))?;
    let name = arg(args, "--name").unwrap_or_else(|| "Administrator".into());
    let db = wsis_server::prepare(&config, false).await?;
    let now = chrono::Utc::now();
    let a = wsis::db::auth::ensure_account(&db, &email, &password, &name, "", "", &[Role::Admin], now)
        .await
        .map_err(|e| e.describe())?;
    wsis::db::audit::record(&db, now, None, wsis::audit::AuditAction::AccountCreateAdmin, &a.uuid.to_string(), None, Some(serde_json::json!({ "roles": ["admin"] })))
        .await
        .map_err(|e| e.to_string())?;
    println!("admin account ready: {}", a.email);
    Ok(())
}

async fn export(config: Config, args: &[String]) -> Result<(), String> {
    let year = arg(args, "--edition").unwrap_or_default();
    let format = arg(args, "--format").unwrap_or_else(|| "csv".into());
    let format = wsis_server::export::Format::parse(&format).ok_or_else(|| format!("unknown format “{format}”\n{USAGE}"))?;
    let out = arg(args, "--out").ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    let db = wsis_server::prepare(&config, false).await?;
    let viewer = match arg(args, "--as") {
        Some(email) => {
            let a = wsis::db::auth::find_by_email(&db, &email).await.map_err(|e| e.describe())?.ok_or_else(|| format!("there is no account {email}"))?;
            let roles = wsis::db::auth::roles_of(&db, a.id).await.map_err(|e| e.describe())?;
            wsis::results::Viewer::of(&roles, a.confirmed_at.is_some())
        }
        None => wsis::results::Viewer::Public,
    };
    let (y, bytes) = wsis_server::export::build(&db, &year, format, viewer, chrono::Utc::now()).await.map_err(|e| e.describe())?;
    std::fs::write(&out, &bytes).map_err(|e| format!("cannot write {out}: {e}"))?;
    println!("{} bytes of the {y} edition written to {out}", bytes.len());
    Ok(())
}

fn verify(args: &[String]) -> Result<(), String> {
    let read = |flag: &str| -> Result<String, String> {
        let path = arg(args, flag).ok_or_else(|| format!("{flag} is required\n{USAGE}"))?;
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))
    };
    let ledger: Vec<wsis::results::LedgerEntry> = serde_json::from_str(&read("--ledger")?).map_err(|e| format!("ledger: {e}"))?;
    let digest: wsis::results::Digest = serde_json::from_str(&read("--digest")?).map_err(|e| format!("digest: {e}"))?;
    match wsis::results::verify(&ledger, &digest) {
        Ok(()) => {
            println!("verified: {} votes in {} categories match the published digest", ledger.len(), digest.categories.len());
            Ok(())
        }
        Err(problems) => Err(format!("the ledger does NOT match the digest:\n  {}", problems.join("\n  "))),
    }
}

async fn export_log(config: Config, args: &[String]) -> Result<(), String> {
    let out = arg(args, "--out").ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    let db = wsis::db::connect(&config.database_url).await.map_err(|e| format!("cannot open the database: {e}"))?;
    let lines = wsis::db::audit::export_lines(&db).await.map_err(|e| format!("cannot read the audit log: {e}"))?;
    let n = lines.len();
    std::fs::write(&out, lines.join("\n") + "\n").map_err(|e| format!("cannot write {out}: {e}"))?;
    println!("{n} audit-log entries written to {out}");
    Ok(())
}

async fn verify_log(config: Config) -> Result<(), String> {
    let db = wsis::db::connect(&config.database_url).await.map_err(|e| format!("cannot open the database: {e}"))?;
    match wsis::db::audit::verify_chain(&db).await.map_err(|e| format!("cannot read the audit log: {e}"))? {
        Ok(head) => {
            println!("audit log verified: {} entries chained, head {}", head.seq, head.hash);
            Ok(())
        }
        Err(broken) => Err(format!("the audit log's chain is BROKEN: {broken}")),
    }
}

async fn backup(config: Config, args: &[String]) -> Result<(), String> {
    let out = arg(args, "--out").ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    let db = wsis::db::connect(&config.database_url).await.map_err(|e| format!("cannot open the database: {e}"))?;
    wsis::db::backup(&db, std::path::Path::new(&out)).await?;
    println!("backup written to {out}");
    Ok(())
}
