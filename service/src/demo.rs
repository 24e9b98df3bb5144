//! Demo data and the synthetic workload generator: a workspace full of plausible deals,
//! spread over stages, owners, companies and contacts the way real pipelines are skewed.

mod history;
mod leads;
mod names;
mod work;

use crate::{
    accounts::insert_user,
    db::OrInternal,
    entity::{company, contact, deal, deal_contact, user, workspace},
    event_log::Change,
    pipelines::seed_default_pipeline,
    pipelines::SeededPipeline,
    write::Lock,
    Crm,
};
use chrono::{DateTime, Duration, Utc};
use domain::deal::DealStatus;
use domain::event::{payload::DemoSeeded, Payload, Subject};
use domain::stored::Listed;
use domain::{deal::ContactRole, money::Currency, AppError, Role, WorkspaceId};
use rand::{rngs::StdRng, Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Set, Statement,
};
use uuid::Uuid;

/// The password of every demo account. Demo data is for trying Pipewright out locally.
pub const DEMO_PASSWORD: &str = "pipewright-demo";
/// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const BATCH: usize = 1000;
/// Deals generated before their rows are written. Each transaction's pages go to the
/// WAL and are copied back at checkpoint: inserts keyed by random ids touch pages all
/// over every index, so small transactions rewrite the same pages again and again
/// (writing 1,000 deals at a time wrote 22 GB for a 400 MB file of 100,000 deals).
const DEALS_PER_FLUSH: usize = 20 * BATCH;

/// Where the records go: the new workspace, its pipeline and its people.
struct Destination<'a> {
    now: DateTime<Utc>,
    workspace_id: WorkspaceId,
    pipeline: &'a SeededPipeline,
    owners: &'a [Uuid],
    deals: usize,
}

/// A generated record's id: time-ordered (UUID v7), so a bulk load appends to the end
/// of each id index instead of touching pages all over it (random v4 ids made every
/// transaction rewrite most of the index; ids are opaque, nothing reads their order).
pub(crate) fn demo_id() -> Uuid {
    use std::sync::atomic::{AtomicU64, Ordering};
    // After the millisecond: a process-wide sequence, so ids made within one
    // millisecond still ascend, then two random bytes.
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let millis = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
    let mut tail = [0u8; 10];
    tail[..8].copy_from_slice(&SEQUENCE.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    tail[8..].copy_from_slice(&rand::random::<[u8; 2]>());
    uuid::Builder::from_unix_timestamp_millis(millis, &tail).into_uuid()
}

/// What one seeding wrote.
struct Seeded {
    companies: usize,
    contacts: usize,
    deals: usize,
}

/// Lists the workspace in `rollups_paused`: the rollup triggers skip its rows until the
/// seeding recounts them once (`migration::recount_paused_rollups`).
async fn pause_rollups<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
) -> Result<(), AppError> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "INSERT INTO rollups_paused (workspace_id) VALUES ($1)",
        _ => "INSERT INTO rollups_paused (workspace_id) VALUES (?)",
    };
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [workspace_id.0.into()],
    ))
    .await
    .or_internal()?;
    Ok(())
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub deals: usize,
    /// Same seed, same data: benchmarks compare like with like.
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            deals: 400,
            seed: 2026,
        }
    }
}

/// A demo sign-in to print for the person who asked for the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub email: String,
    pub role: Role,
}

/// The generated workspace.
#[derive(Debug, Clone)]
pub struct DemoWorkspace {
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub logins: Vec<DemoLogin>,
    pub companies: usize,
    pub contacts: usize,
    pub deals: usize,
}

impl Crm {
    /// True when no workspace exists yet (a fresh install).
    ///
    /// # Errors
    /// Database failure.
    pub async fn is_empty(&self) -> Result<bool, AppError> {
        // Asked on every signed-out page load: look for one row, never count them all.
        let any = workspace::Entity::find()
            .one(&self.db)
            .await
            .or_internal()?;
        Ok(any.is_none())
    }

    /// Creates a new demo workspace with `options.deals` deals. `progress` hears the
    /// number of deals written so far.
    ///
    /// # Errors
    /// Database failure; what was written before it stays (each batch commits).
    pub async fn seed_demo(
        &self,
        options: DemoOptions,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<DemoWorkspace, AppError> {
        let mut rng = StdRng::seed_from_u64(options.seed);
        let now = Utc::now();
        let workspace_id = WorkspaceId(Uuid::new_v4());
        // From the new workspace's id, not the seeded generator: every run gets its own.
        let suffix = workspace_id
            .0
            .simple()
            .to_string()
            .chars()
            .take(6)
            .collect::<String>();
        let mail_domain = if self.email_domain_free("northwind.example").await? {
            "northwind.example".to_owned()
        } else {
            format!("northwind-{suffix}.example")
        };
        let name = if options.deals == DemoOptions::default().deals {
            "Northwind Hardware".to_owned()
        } else {
            format!("Northwind Hardware ({} deals)", options.deals)
        };
        let password_hash = self.hash_password(DEMO_PASSWORD).await?;

        // The workspace, its pipeline and its people, in one write.
        let (pipeline, logins, owners) = self
            .write(Lock::Rows, async |txn| {
                workspace::ActiveModel {
                    id: Set(workspace_id.0),
                    name: Set(name.clone()),
                    default_currency: Set(Currency::USD),
                    visibility: Set(domain::visibility::Visibility::Everyone),
                    created_at: Set(now - Duration::days(540)),
                    session_days: Set(domain::session::SESSION_LIFETIME_DAYS),
                }
                .insert(txn)
                .await
                .or_internal()?;
                // The rollups are counted once at the end, not row by row (see
                // `migration::recount_paused_rollups`).
                pause_rollups(txn, workspace_id).await?;
                let pipeline = seed_default_pipeline(txn, workspace_id).await?;
                let mut logins = Vec::new();
                let mut owners = Vec::new();
                let rep_count = (options.deals / 300).clamp(4, 40);
                let team = names::team(&mut rng, rep_count);
                for (person, role) in team {
                    let email = format!("{}@{mail_domain}", names::mailbox(&person));
                    let member = insert_user(
                        txn,
                        workspace_id,
                        &email,
                        &person,
                        password_hash.clone(),
                        role,
                    )
                    .await?;
                    if matches!(role, Role::Rep | Role::Manager) {
                        owners.push(member.id);
                    }
                    if logins.iter().all(|l: &DemoLogin| l.role != role) {
                        logins.push(DemoLogin { email, role });
                    }
                }
                Ok((pipeline, logins, owners))
            })
            .await?;

        let counts = self
            .seed_records(
                &mut rng,
                Destination {
                    now,
                    workspace_id,
                    pipeline: &pipeline,
                    owners: &owners,
                    deals: options.deals,
                },
                progress,
            )
            .await;
        // Counted even when seeding failed, so the workspace's figures match what it got.
        self.write(Lock::Deals(workspace_id), async |txn| {
            let backend = txn.get_database_backend();
            for statement in crate::migration::recount_paused_rollups(backend) {
                txn.execute_unprepared(&statement).await.or_internal()?;
            }
            Ok(())
        })
        .await?;
        let Seeded {
            companies: company_count,
            contacts: contact_count,
            deals: written,
        } = counts?;
        self.write(Lock::Rows, async |txn| {
            txn.append(Change {
                workspace_id,
                actor: None,
                subject: Subject::Workspace(workspace_id.0),
                payload: Payload::DemoSeeded(
                    (),
                    DemoSeeded {
                        deals: written as u64,
                        companies: company_count as u64,
                        contacts: contact_count as u64,
                    },
                ),
            })
            .await
        })
        .await?;
        Ok(DemoWorkspace {
            workspace_id,
            name,
            logins,
            companies: company_count,
            contacts: contact_count,
            deals: written,
        })
    }

    /// The demo workspace's companies, contacts, deals with their history and work, and
    /// leads, in batches.
    async fn seed_records(
        &self,
        rng: &mut StdRng,
        into: Destination<'_>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Seeded, AppError> {
        let Destination {
            now,
            workspace_id,
            pipeline,
            owners,
            deals,
        } = into;
        let company_count = (deals / 8).clamp(12, 50_000);
        let companies: Vec<company::ActiveModel> = (0..company_count)
            .map(|index| {
                let company_name = names::company(rng, index);
                company::ActiveModel {
                    id: Set(demo_id()),
                    workspace_id: Set(workspace_id.0),
                    domain: Set(Some(format!("{}.example", names::slug(&company_name)))),
                    name: Set(company_name),
                    industry: Set(Some(names::pick(rng, names::INDUSTRIES).to_owned())),
                    employees: Set(Some(names::company_size(rng))),
                    address: Set(None),
                    created_at: Set(now - Duration::days(rng.gen_range(30..720))),
                    version: Set(1),
                }
            })
            .collect();
        let company_ids: Vec<Uuid> = companies
            .iter()
            .filter_map(|c| c.id.clone().take())
            .collect();
        let mut contacts = Vec::new();
        let mut contact_of_company = Vec::with_capacity(company_ids.len());
        for company_id in &company_ids {
            let people = rng.gen_range(1..=3);
            contact_of_company.push(contacts.len());
            for _ in 0..people {
                let person = names::person(rng);
                contacts.push(contact::ActiveModel {
                    id: Set(demo_id()),
                    workspace_id: Set(workspace_id.0),
                    company_id: Set(Some(*company_id)),
                    email: Set(Some(format!(
                        "{}.{}@customer.example",
                        names::mailbox(&person),
                        contacts.len()
                    ))),
                    phone: Set(Some(format!(
                        "+1 555 {:03} {:04}",
                        rng.gen_range(100..999),
                        rng.gen_range(0..9999)
                    ))),
                    title: Set(Some(names::pick(rng, names::TITLES).to_owned())),
                    name: Set(person),
                    created_at: Set(now - Duration::days(rng.gen_range(1..700))),
                    version: Set(1),
                });
            }
        }
        let contact_ids: Vec<Uuid> = contacts
            .iter()
            .filter_map(|c| c.id.clone().take())
            .collect();
        let contact_count = contacts.len();
        self.insert_batches(companies).await?;
        self.insert_batches(contacts).await?;

        let mut written = 0;
        // Deals some converted demo leads became: the sources report's won revenue.
        let mut from_leads: Vec<Uuid> = Vec::new();
        let mut batch = Vec::with_capacity(DEALS_PER_FLUSH);
        let mut roles = Vec::with_capacity(DEALS_PER_FLUSH);
        let mut activities = Vec::with_capacity(DEALS_PER_FLUSH * 2);
        let mut steps = Vec::with_capacity(DEALS_PER_FLUSH * 4);
        for _ in 0..deals {
            let company_index = names::skewed_index(rng, company_ids.len());
            let contact_index = contact_of_company[company_index];
            let owner = owners[names::skewed_index(rng, owners.len())];
            let mut deal = generate_deal(
                rng,
                now,
                workspace_id,
                pipeline.id,
                &pipeline.stage_ids,
                company_ids[company_index],
                owner,
                &names::company_name_of(company_index),
            );
            if let (Some(contact_id), Some(deal_id)) =
                (contact_ids.get(contact_index), deal.id.clone().take())
            {
                // Deals past Needs assessment met Negotiation's rule: a decision maker.
                let late = deal
                    .stage_id
                    .clone()
                    .take()
                    .and_then(|s| pipeline.stage_ids.iter().position(|id| *id == s))
                    >= Some(4);
                let role = if late || rng.gen_bool(0.6) {
                    ContactRole::DecisionMaker
                } else {
                    ContactRole::Champion
                };
                roles.push(deal_contact::ActiveModel {
                    workspace_id: Set(workspace_id.0),
                    deal_id: Set(deal_id),
                    contact_id: Set(*contact_id),
                    role: Set(role),
                });
            }
            if rng.gen_bool(0.12) {
                from_leads.extend(deal.id.clone().take());
            }
            let planned = work::activities_for(rng, &mut deal, now);
            activities.extend(planned);
            steps.extend(history::steps_of(&deal, &pipeline.stage_ids));
            batch.push(deal);
            if batch.len() == DEALS_PER_FLUSH {
                written += batch.len();
                self.insert_batches(std::mem::take(&mut batch)).await?;
                self.insert_batches(std::mem::take(&mut roles)).await?;
                self.insert_batches(std::mem::take(&mut activities)).await?;
                self.insert_batches(std::mem::take(&mut steps)).await?;
                progress(written);
            }
        }
        written += batch.len();
        self.insert_batches(batch).await?;
        self.insert_batches(roles).await?;
        self.insert_batches(activities).await?;
        self.insert_batches(steps).await?;
        self.insert_batches(work::followup_plan(workspace_id.0, pipeline.id))
            .await?;
        let lead_count = (deals / 3).clamp(60, 20_000);
        let (lead_rows, submissions) =
            leads::leads(rng, workspace_id.0, owners, &from_leads, lead_count, now);
        self.insert_batches(vec![leads::contact_form(workspace_id.0, now)])
            .await?;
        // Leads are wide rows: 500 per statement stays under SQLite's variable limit.
        let mut lead_rows = lead_rows.into_iter().peekable();
        while lead_rows.peek().is_some() {
            self.insert_batches(lead_rows.by_ref().take(500).collect())
                .await?;
        }
        self.insert_batches(submissions).await?;
        progress(written);

        Ok(Seeded {
            companies: company_count,
            contacts: contact_count,
            deals: written,
        })
    }

    async fn email_domain_free(&self, domain: &str) -> Result<bool, AppError> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let taken = user::Entity::find()
            .filter(user::Column::Email.ends_with(format!("@{domain}")))
            .count(&self.db)
            .await
            .or_internal()?;
        Ok(taken == 0)
    }

    /// Inserts rows in bounded statements, one IMMEDIATE transaction per 20 statements.
    async fn insert_batches<A>(&self, rows: Vec<A>) -> Result<(), AppError>
    where
        A: sea_orm::ActiveModelTrait + Send,
    {
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            self.write(Lock::Rows, async |txn| {
                for _ in 0..20 {
                    let chunk: Vec<A> = rows.by_ref().take(BATCH).collect();
                    if chunk.is_empty() {
                        break;
                    }
                    A::Entity::insert_many(chunk)
                        .exec(txn)
                        .await
                        .or_internal()?;
                }
                Ok(())
            })
            .await?;
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn generate_deal(
    rng: &mut StdRng,
    now: DateTime<Utc>,
    workspace_id: WorkspaceId,
    pipeline_id: Uuid,
    stage_ids: &[Uuid],
    company_id: Uuid,
    owner_id: Uuid,
    company_name: &str,
) -> deal::ActiveModel {
    let (product, unit_price) = names::pick(rng, names::PRODUCTS);
    // Most orders are single units; a few are fleet purchases.
    let quantity: i64 = if rng.gen_bool(0.7) {
        1
    } else {
        rng.gen_range(2..=25)
    };
    let discount = rng.gen_range(85..=100);
    let value_cents = unit_price * 100 * quantity * discount / 100;
    let created_at =
        now - Duration::days(rng.gen_range(0..540)) - Duration::minutes(rng.gen_range(0..1440));
    let roll: u32 = rng.gen_range(0..100);
    let status = match roll {
        0..=59 => DealStatus::Open,
        60..=84 => DealStatus::Won,
        _ => DealStatus::Lost,
    };
    // Funnel: early stages hold most open deals.
    let stage_index = names::weighted(rng, &[30, 22, 17, 13, 10, 8]);
    let age_days = (now - created_at).num_days().max(1);
    let cycle = rng.gen_range(7..=120).min(age_days);
    let closed_at = (status != DealStatus::Open).then(|| created_at + Duration::days(cycle));
    let stage_entered_at = created_at + Duration::days(rng.gen_range(0..=cycle));
    let expected_close_on = (created_at + Duration::days(rng.gen_range(30..=150))).date_naive();
    deal::ActiveModel {
        id: Set(demo_id()),
        workspace_id: Set(workspace_id.0),
        pipeline_id: Set(pipeline_id),
        stage_id: Set(stage_ids[stage_index.min(stage_ids.len() - 1)]),
        company_id: Set(Some(company_id)),
        owner_id: Set(Some(owner_id)),
        title: Set(format!("{company_name} – {product}")),
        value_cents: Set(value_cents),
        currency: Set(Currency::USD),
        expected_close_on: Set(Some(expected_close_on)),
        status: Set(status),
        lost_reason: Set((status == DealStatus::Lost)
            .then(|| names::pick(rng, &domain::pipeline::LOST_REASONS).to_owned())),
        source: Set(Some(names::pick(rng, names::SOURCES).to_owned())),
        next_step: Set(
            (status == DealStatus::Open).then(|| names::pick(rng, names::NEXT_STEPS).to_owned())
        ),
        created_at: Set(created_at),
        updated_at: Set(stage_entered_at),
        stage_entered_at: Set(stage_entered_at),
        closed_at: Set(closed_at),
        touched_at: Set(None),
        version: Set(1),
        tags: Set(Listed::default()),
        checked: Set(Listed::default()),
    }
}
