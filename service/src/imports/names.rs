//! Owners and companies matched by name (case-insensitive), created when missing.
//! Owners the import creates are inactive accounts: they own history but cannot sign
//! in until an admin invites the person.

use crate::write::Write;
use crate::{
    db::OrInternal,
    entity::{company, user},
};
use chrono::Utc;
use domain::{account::CurrentUser, AppError, Role};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Names (lower-cased) to ids; `None` marks a name still to create.
struct ByName {
    known: BTreeMap<String, (String, Option<Uuid>)>,
}

impl ByName {
    fn note(&mut self, name: Option<&str>) {
        if let Some(name) = name {
            self.known
                .entry(name.to_lowercase())
                .or_insert_with(|| (name.to_owned(), None));
        }
    }

    fn missing(&self) -> impl Iterator<Item = &String> {
        self.known
            .values()
            .filter(|(_, id)| id.is_none())
            .map(|(name, _)| name)
    }

    fn id_of(&self, name: Option<&str>) -> Option<Uuid> {
        self.known.get(&name?.to_lowercase())?.1
    }
}

pub(super) struct Owners(ByName);

impl Owners {
    pub(super) async fn load(txn: &Write, viewer: &CurrentUser) -> Result<Owners, AppError> {
        let users = user::Entity::find()
            .filter(user::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .all(txn)
            .await
            .or_internal()?;
        Ok(Owners(ByName {
            known: users
                .into_iter()
                .map(|u| (u.name.to_lowercase(), (u.name, Some(u.id))))
                .collect(),
        }))
    }

    pub(super) fn note(&mut self, name: Option<&str>) {
        self.0.note(name);
    }

    pub(super) fn missing(&self) -> Vec<String> {
        self.0.missing().cloned().collect()
    }

    pub(super) fn id_of(&self, name: Option<&str>) -> Option<Uuid> {
        self.0.id_of(name)
    }

    pub(super) async fn create(
        &mut self,
        txn: &Write,
        viewer: &CurrentUser,
    ) -> Result<(), AppError> {
        let now = Utc::now();
        for (_, (name, id)) in self.0.known.iter_mut().filter(|(_, (_, id))| id.is_none()) {
            let new_id = Uuid::new_v4();
            // A unique address nobody can receive mail at; the account cannot sign in.
            let email = format!("imported-{}@pipewright.invalid", new_id.simple());
            user::ActiveModel {
                id: Set(new_id),
                workspace_id: Set(viewer.workspace_id.0),
                email: Set(email),
                name: Set(name.clone()),
                password_hash: Set("!".into()),
                role: Set(Role::Rep),
                active: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(txn)
            .await
            .or_internal()?;
            *id = Some(new_id);
        }
        Ok(())
    }
}

pub(super) struct Companies(ByName);

impl Companies {
    pub(super) async fn load(txn: &Write, viewer: &CurrentUser) -> Result<Companies, AppError> {
        let rows = company::Entity::find()
            .filter(company::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .all(txn)
            .await
            .or_internal()?;
        let mut known = BTreeMap::new();
        for row in rows {
            // The first of two same-named companies wins, as a person would pick.
            known
                .entry(row.name.to_lowercase())
                .or_insert((row.name, Some(row.id)));
        }
        Ok(Companies(ByName { known }))
    }

    pub(super) fn note(&mut self, name: Option<&str>) {
        self.0.note(name);
    }

    pub(super) fn missing_count(&self) -> usize {
        self.0.missing().count()
    }

    pub(super) fn id_of(&self, name: Option<&str>) -> Option<Uuid> {
        self.0.id_of(name)
    }

    pub(super) async fn create(
        &mut self,
        txn: &Write,
        viewer: &CurrentUser,
    ) -> Result<(), AppError> {
        let now = Utc::now();
        for (_, (name, id)) in self.0.known.iter_mut().filter(|(_, (_, id))| id.is_none()) {
            let new_id = Uuid::new_v4();
            company::ActiveModel {
                id: Set(new_id),
                workspace_id: Set(viewer.workspace_id.0),
                name: Set(name.clone()),
                domain: Set(None),
                industry: Set(None),
                employees: Set(None),
                address: Set(None),
                created_at: Set(now),
                version: Set(1),
            }
            .insert(txn)
            .await
            .or_internal()?;
            *id = Some(new_id);
        }
        Ok(())
    }
}
