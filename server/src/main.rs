//! `wsis-server [serve]` runs the platform; other subcommands administer it.

use std::process::ExitCode;

use wsis::account::Role;
use wsis::db::{Config, Services};

const USAGE: &str = "usage:
  wsis-server [serve]                      run the web server (DATABASE_URL, DATA_DIR, PUBLIC_URL, …)
  wsis-server migrate                      apply database migrations and exit
  wsis-server create-admin --email E --password P [--name N]
                                           create (or promote) a confirmed admin account";

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

#[tokio::main]
async fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=warn"));
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot prepare the data folder: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => run_server(config).await,
        Some("migrate") => wsis_server::prepare(&config, false).await.map(|_| println!("migrations applied")),
        Some("create-admin") => create_admin(config, &args).await,
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
    let demo = !std::env::var("DEMO_DATA").is_ok_and(|v| v == "0" || v == "false");
    let db = wsis_server::prepare(&config, demo).await?;
    let options = wsis_server::leptos_options();
    let addr = options.site_addr;
    let app = wsis_server::router(Services::new(db, config), options);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("WSIS Prizes platform listening on http://{addr}");
    wsis_server::serve(listener, app).await.map_err(|e| e.to_string())
}

async fn create_admin(config: Config, args: &[String]) -> Result<(), String> {
    let email = arg(args, "--email").ok_or_else(|| format!("--email is required\n{USAGE}"))?;
    let password = arg(args, "--password").ok_or_else(|| format!("--password is required\n{USAGE}"))?;
    let name = arg(args, "--name").unwrap_or_else(|| "Administrator".into());
    let db = wsis_server::prepare(&config, false).await?;
    let a = wsis::db::auth::ensure_account(&db, &email, &password, &name, "", "", &[Role::Admin])
        .await
        .map_err(|e| e.describe())?;
    wsis::db::audit::record(&db, None, "account.create_admin", &a.uuid.to_string(), None, Some(a.roles.clone()))
        .await
        .map_err(|e| e.to_string())?;
    println!("admin account ready: {}", a.email);
    Ok(())
}
