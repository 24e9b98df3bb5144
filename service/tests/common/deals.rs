//! Deal helpers shared by the deal and collaboration tests.

use super::sign_up;
use domain::{
    account::CurrentUser,
    board::{Board, DealFilter, MoveDeal, NewDeal, Saved},
    deal::DealChange,
    ids::StageId,
    AppError,
};
use service::Crm;

pub async fn workspace(crm: &Crm, email: &str) -> CurrentUser {
    crm.sign_up(sign_up("Acme Sales", email)).await.unwrap().0
}

pub async fn board(crm: &Crm, viewer: &CurrentUser) -> Board {
    crm.board(viewer, DealFilter::default()).await.unwrap()
}

/// Every card's title on the board, sorted.
pub fn titles(board: &Board) -> Vec<String> {
    let mut titles: Vec<String> = board
        .columns
        .iter()
        .flat_map(|c| c.cards.iter().map(|card| card.title.clone()))
        .collect();
    titles.sort();
    titles
}

pub fn stage(board: &Board, name: &str) -> StageId {
    board
        .columns
        .iter()
        .find(|c| c.stage.name == name)
        .map(|c| c.stage.id)
        .unwrap()
}

pub async fn new_deal(
    crm: &Crm,
    viewer: &CurrentUser,
    title: &str,
    changes: Vec<DealChange>,
) -> Saved {
    crm.create_deal(
        viewer,
        NewDeal {
            pipeline: None,
            stage: None,
            title: title.into(),
            changes,
        },
    )
    .await
    .unwrap()
}

pub fn move_to(saved: &Saved, stage: StageId, changes: Vec<DealChange>) -> MoveDeal {
    MoveDeal {
        deal: saved.card.id,
        version: saved.card.version,
        stage,
        changes,
    }
}

pub fn fields(error: &AppError) -> Vec<String> {
    match error {
        AppError::Validation(errors) => errors.0.iter().map(|e| e.field.clone()).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Sam, a rep in Dana's workspace.
pub async fn rep(crm: &Crm, dana: &CurrentUser) -> CurrentUser {
    let sam = crm
        .create_member(
            Some("Acme Sales"),
            domain::account::NewMember {
                name: "Sam Rep".into(),
                email: "sam@acme.com".into(),
                password: "rep password 123".into(),
                role: domain::Role::Rep,
            },
        )
        .await
        .unwrap();
    CurrentUser {
        user_id: sam.id,
        role: domain::Role::Rep,
        sees: Default::default(),
        name: "Sam Rep".into(),
        ..dana.clone()
    }
}
