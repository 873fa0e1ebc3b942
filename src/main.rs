//! The `vouch` command: parses the CLI and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::Duration;
use clap::{Parser, Subcommand};
use vouch::accounts::{self, Email, Role};
use vouch::config::Settings;
use vouch::error::AppError;
use vouch::state::AppState;
use vouch::{db, demo, telemetry, Application};

#[derive(Parser)]
#[command(
    name = "vouch",
    version,
    about = "Vouch: verified stories, shared by volunteers"
)]
struct Cli {
    /// Folder with default.toml and {VOUCH_ENV}.toml.
    #[arg(
        long,
        env = "VOUCH_CONFIG_DIR",
        default_value = "config",
        global = true
    )]
    config_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (migrations run first).
    Serve {
        /// Load the demo org first if it is not there, and print how to sign in.
        #[arg(long)]
        demo: bool,
    },
    /// Run the job workers and periodic tasks alone, without the HTTP server (for when
    /// `vouch serve` runs with `worker.enabled = false`).
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo org, its comms team and ambassadors.
    Demo,
    /// Operator tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The claim detector.
    #[command(subcommand)]
    Detector(DetectorCommand),
}

#[derive(Subcommand)]
enum DetectorCommand {
    /// Queue a refit of the org's adjustment from its moderators' judgements (dismissals,
    /// manual claims, verdicts); run here at once unless a worker takes it first.
    Retrain {
        /// The org's slug.
        #[arg(long)]
        org: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an org and its first admin (who is mailed an invite link).
    CreateOrg {
        #[arg(long)]
        name: String,
        #[arg(long)]
        slug: String,
        #[arg(long)]
        admin_email: String,
    },
    /// Print a fresh access token for a user, on the last line of stdout.
    Token {
        #[arg(long)]
        email: String,
    },
    /// Invite someone into an org; they are mailed a sign-in link.
    Invite {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Add N approved, publishable stories to an org (for benchmarks; see
    /// scripts/bench-feed.sh).
    #[command(hide = true)]
    SeedStories {
        #[arg(long)]
        org: String,
        #[arg(long)]
        count: usize,
    },
    /// Add N ambassadors (who agreed to the consent text) and M testimonials of theirs,
    /// approved and published on the careers page (for benchmarks; see
    /// scripts/bench.sh).
    #[command(hide = true)]
    SeedCareers {
        #[arg(long)]
        org: String,
        #[arg(long)]
        ambassadors: usize,
        #[arg(long)]
        testimonials: usize,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    // clap reports its own usage errors (exit code 2); everything after parsing goes through
    // `report`, because `main` returning the error would print anyhow's Debug form: a
    // backtrace when RUST_BACKTRACE is set, and a validation error without its fields.
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{}", report(&e));
            ExitCode::FAILURE
        }
    }
}

/// What an operator reads when a command fails: the error, then what caused it, with the
/// fields of a validation error named one by one as the API's problem body names them.
fn report(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for (depth, cause) in err.chain().enumerate() {
        let prefix = if depth == 0 {
            "error: "
        } else {
            "  caused by: "
        };
        match cause.downcast_ref::<AppError>() {
            Some(AppError::Validation(fields)) => {
                for f in fields {
                    out.push_str(&format!("{prefix}{}: {}\n", f.field, f.message));
                }
            }
            _ => out.push_str(&format!("{prefix}{cause}\n")),
        }
    }
    out
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(&cli.config_dir)?;
    telemetry::init(&settings.log);
    match cli.command {
        Command::Serve { demo } => {
            if demo {
                load_demo(&settings).await?;
            }
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "vouch is listening");
            app.run_until_stopped().await?;
        }
        Command::Worker => vouch::run_worker(settings).await?,
        Command::Migrate => {
            let pool = db::pool(&settings.database.url, 1)?;
            let applied = db::migrate(&pool)?;
            println!("{} migration(s) applied", applied.len());
        }
        Command::Demo => load_demo(&settings).await?,
        Command::Admin(cmd) => {
            let state = operator_state(settings)?;
            admin(&state, cmd).await?;
            drain_queued(&state).await?;
        }
        Command::Detector(cmd) => {
            let state = operator_state(settings)?;
            detector(&state, cmd).await?;
            drain_queued(&state).await?;
        }
    }
    Ok(())
}

/// The state an operator's command runs with: secrets resolved, migrations applied, and the
/// jobs it queues noted, so that it runs those and no other.
fn operator_state(mut settings: Settings) -> anyhow::Result<AppState> {
    settings.resolve_secrets()?;
    let pool = db::pool(&settings.database.url, 2)?;
    db::migrate(&pool)?;
    let mut state = AppState::new(settings, pool)?;
    state.outbox.queued_here = Some(vouch::jobs::Ledger::default());
    Ok(state)
}

/// Runs what the command queued (mail, a refit); what cannot run now stays queued for the
/// server's workers, as does every job the command did not queue.
async fn drain_queued(state: &AppState) -> anyhow::Result<()> {
    let Some(ledger) = &state.outbox.queued_here else {
        return Ok(());
    };
    let within = std::time::Duration::from_secs(10);
    let ran = vouch::jobs::worker::drain(state, vouch::app::jobs::registry, ledger, within).await?;
    if ran > 0 {
        // stderr: stdout's last line is the command's answer (e.g. the token).
        eprintln!("{ran} queued job(s) run");
    }
    Ok(())
}

async fn detector(state: &AppState, cmd: DetectorCommand) -> anyhow::Result<()> {
    match cmd {
        DetectorCommand::Retrain { org } => {
            let st = state.clone();
            let queued = db::run(&state.pool, move |conn| -> Result<_, AppError> {
                let found = vouch::accounts::query::org_by_slug(conn, &org)?.ok_or_else(|| {
                    AppError::validation("org", format!("no org with slug `{org}`"))
                })?;
                vouch::claims::tuning::job::queue(conn, &st, &found.id)
            })
            .await?;
            match queued {
                Some(id) => println!("queued the detector refit as job {id}"),
                None => println!("a detector refit of this org is already queued"),
            }
        }
    }
    Ok(())
}

async fn load_demo(settings: &Settings) -> anyhow::Result<()> {
    // The demo is what a newcomer runs first: development secrets are made here if need be.
    let mut settings = settings.clone();
    settings.resolve_secrets()?;
    let settings = &settings;
    let pool = db::pool(&settings.database.url, 2)?;
    db::migrate(&pool)?;
    let state = AppState::new(settings.clone(), pool)?;
    match demo::load(&state)? {
        demo::Loaded::Created => println!("demo org `{}` loaded", demo::DEMO_SLUG),
        demo::Loaded::AlreadyThere => println!("demo org `{}` already loaded", demo::DEMO_SLUG),
    }
    println!(
        "sign in as its admin:\n  TOKEN=$(cargo run -q -- admin token --email {} | tail -n1)\n  \
         curl -H \"Authorization: Bearer $TOKEN\" {}/api/v1/me\n\
         or ask for a sign-in link (POST /api/v1/auth/login-link) and find the mail in {}",
        demo::DEMO_ADMIN,
        settings.server.public_url,
        settings.mail.dir.display()
    );
    Ok(())
}

async fn admin(state: &AppState, cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::CreateOrg {
            name,
            slug,
            admin_email,
        } => {
            let email =
                Email::parse(&admin_email).map_err(|m| AppError::validation("admin-email", m))?;
            let ttl = Duration::hours(state.settings.auth.invite_ttl_hours);
            let mut conn = state.pool.get()?;
            let invited = db::transaction(&mut conn, |conn| {
                let invited = accounts::service::create_org(conn, &name, &slug, &email, None, ttl)?;
                accounts::service::queue_invite(conn, state, &invited)?;
                Ok::<_, vouch::error::AppError>(invited)
            })?;
            println!(
                "org `{}` created ({}); admin {} invited",
                invited.org.slug, invited.org.id, invited.user.email
            );
        }
        AdminCommand::Token { email } => {
            let email = Email::parse(&email).map_err(|m| AppError::validation("email", m))?;
            let mut conn = state.pool.get()?;
            let user = accounts::query::by_email(&mut conn, &email)?
                .with_context(|| format!("no user with email {email}"))?;
            if !user.may_sign_in() {
                anyhow::bail!("{email} is disabled");
            }
            let pair = vouch::auth::service::open_session(&mut conn, state, &user)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", pair.access_token);
        }
        AdminCommand::Invite {
            org,
            email,
            role,
            name,
        } => {
            let email = Email::parse(&email).map_err(|m| AppError::validation("email", m))?;
            let role: Role = role
                .parse()
                .map_err(|m: String| AppError::validation("role", m))?;
            let org_row = {
                let mut conn = state.pool.get()?;
                accounts::query::org_by_slug(&mut conn, &org)?
                    .with_context(|| format!("no org with slug `{org}`"))?
            };
            let invite = accounts::service::invite(state, None, org_row.id, email, role, name);
            let user = db::run(&state.pool, invite).await?;
            println!("{} invited as {}", user.email, user.role);
        }
        AdminCommand::SeedStories { org, count } => {
            let started = std::time::Instant::now();
            let seeded = db::run(&state.pool, move |conn| -> Result<_, AppError> {
                let seeded = demo::seed_stories(conn, &org, count)?;
                demo::analyze(conn)?;
                Ok(seeded)
            })
            .await?;
            println!(
                "{seeded} stories seeded in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        AdminCommand::SeedCareers {
            org,
            ambassadors,
            testimonials,
        } => {
            let started = std::time::Instant::now();
            let seeded = db::run(&state.pool, move |conn| -> Result<_, AppError> {
                let seeded = demo::seed_careers(conn, &org, ambassadors, testimonials)?;
                demo::analyze(conn)?;
                Ok(seeded)
            })
            .await?;
            println!(
                "{ambassadors} ambassadors and {seeded} careers-page testimonials seeded in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}
