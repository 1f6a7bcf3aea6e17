//! Asset registry: fungible assets by class and unique (non-fungible) items, minted by role.
//!
//! Sổ đăng ký tài sản: tài sản đồng loại theo lớp và tài sản duy nhất, do người có vai trò
//! phát hành.
//!
//! The Rust twin of `contracts/examples/registry/contract.py`: the same entries, the same
//! state layout and the same answers and refusals, so either can serve a chain (one
//! difference: amounts here are at most 2^64 - 1, and a sum beyond that is refused).
//! Who may mint: the minters named at instantiation, or any active member of the chain
//! holding `minter_role`. Holders transfer what they hold; retiring (burning) removes it
//! from circulation for good. There is no allowance: only a holder moves its own assets.
#![no_std]

extern crate alloc;

use alloc::format;
use alloc::string::{String, ToString};

use sen_contract::{self as sen, json, Args, Call, Item, Map, Value};

const CONFIG: Item = Item::new("config");
const BALANCES: Map = Map::new("balance"); // "<asset>/<holder>" -> amount
const SUPPLY: Map = Map::new("supply"); // asset -> {"minted": n, "retired": n}
const ITEMS: Map = Map::new("item"); // item id -> {"asset", "owner", "retired", "meta"}

fn name(value: Option<Value>, what: &str) -> sen::Result<String> {
    match value {
        Some(Value::String(text)) if (1..=128).contains(&text.chars().count()) && !text.contains('/') => Ok(text),
        _ => sen::fail(format!("{what}: expected 1 to 128 characters without '/'")),
    }
}

fn amount(value: Value) -> sen::Result<u64> {
    match value.as_u64() {
        Some(n) if n > 0 => Ok(n),
        _ => sen::fail("amount: expected a positive integer"),
    }
}

fn may_mint(call: &mut Call, who: &str) -> sen::Result<bool> {
    let settings = CONFIG.get(call)?.unwrap_or(Value::Null);
    let minters = settings["minters"].as_array().cloned().unwrap_or_default();
    if minters.iter().any(|m| m.as_str() == Some(who)) {
        return Ok(true);
    }
    let member = call.system("membership/member", json!({"address": who}))?;
    let role = &settings["minter_role"];
    let active = member.get("active").and_then(Value::as_bool).unwrap_or(false);
    let roles = member.get("roles").and_then(Value::as_array).cloned().unwrap_or_default();
    Ok(active && roles.iter().any(|r| r == role))
}

fn balance_key(asset: &str, holder: &str) -> String {
    format!("{asset}/{holder}")
}

fn add(have: u64, more: u64) -> sen::Result<u64> {
    have.checked_add(more).map_or_else(|| sen::fail("amount: the total would pass 2^64 - 1"), Ok)
}

fn reason(args: &mut Args) -> String {
    match args.optional("reason") {
        None => String::new(),
        Some(Value::String(text)) => text.chars().take(256).collect(),
        Some(other) => other.to_string().chars().take(256).collect(),
    }
}

struct Registry;

impl sen::Contract for Registry {
    fn instantiate(call: &mut Call, args: &mut Args) -> sen::Result {
        let name_ = args.value("name")?;
        let minter_role = args.optional("minter_role").unwrap_or_else(|| Value::from("issuer"));
        let minters = match args.optional("minters") {
            None | Some(Value::Null) => Value::Array(alloc::vec![Value::from(call.env().sender.clone())]),
            Some(list) => list,
        };
        let all_text = minters.as_array().is_some_and(|l| l.iter().all(Value::is_string));
        sen::require(all_text, "minters: expected a list of addresses")?;
        let name_ = name(Some(name_), "name")?;
        CONFIG.set(call, &json!({"name": name_, "minter_role": minter_role, "minters": minters}));
        Ok(Value::Null)
    }

    fn execute(call: &mut Call, entry: &str, args: &mut Args) -> sen::Result {
        let sender = call.env().sender.clone();
        match entry {
            "mint" => {
                let (asset, to, amount_) = (args.value("asset")?, args.value("to")?, args.value("amount")?);
                sen::require(may_mint(call, &sender)?, "only a minter may mint")?;
                let asset = name(Some(asset), "asset")?;
                let to = name(Some(to), "to")?;
                let amount_ = amount(amount_)?;
                let key = balance_key(&asset, &to);
                let now = add(BALANCES.get_u64(call, &key)?.unwrap_or(0), amount_)?;
                BALANCES.set(call, &key, &Value::from(now));
                let mut totals = SUPPLY.get(call, &asset)?.unwrap_or(json!({"minted": 0, "retired": 0}));
                totals["minted"] = Value::from(add(totals["minted"].as_u64().unwrap_or(0), amount_)?);
                SUPPLY.set(call, &asset, &totals);
                call.emit("mint", &[("asset", asset), ("to", to), ("amount", amount_.to_string())]);
                Ok(Value::from(now))
            }
            "transfer" => {
                let (asset, to, amount_) = (args.value("asset")?, args.value("to")?, args.value("amount")?);
                let asset = name(Some(asset), "asset")?;
                let to = name(Some(to), "to")?;
                let amount_ = amount(amount_)?;
                let from = balance_key(&asset, &sender);
                let have = BALANCES.get_u64(call, &from)?.unwrap_or(0);
                sen::require(have >= amount_, format!("insufficient balance: have {have}"))?;
                BALANCES.set(call, &from, &Value::from(have - amount_));
                let into = balance_key(&asset, &to);
                let now = add(BALANCES.get_u64(call, &into)?.unwrap_or(0), amount_)?;
                BALANCES.set(call, &into, &Value::from(now));
                call.emit("transfer", &[("asset", asset), ("to", to), ("amount", amount_.to_string())]);
                Ok(Value::from(have - amount_))
            }
            "retire" => {
                let (asset, amount_) = (args.value("asset")?, args.value("amount")?);
                let reason = reason(args);
                let asset = name(Some(asset), "asset")?;
                let amount_ = amount(amount_)?;
                let from = balance_key(&asset, &sender);
                let have = BALANCES.get_u64(call, &from)?.unwrap_or(0);
                sen::require(have >= amount_, format!("insufficient balance: have {have}"))?;
                BALANCES.set(call, &from, &Value::from(have - amount_));
                let mut totals = SUPPLY.get(call, &asset)?.unwrap_or(json!({"minted": 0, "retired": 0}));
                totals["retired"] = Value::from(add(totals["retired"].as_u64().unwrap_or(0), amount_)?);
                SUPPLY.set(call, &asset, &totals);
                call.emit("retire", &[("asset", asset), ("amount", amount_.to_string()), ("reason", reason)]);
                Ok(Value::from(have - amount_))
            }
            "mint_item" => {
                let (item, asset, to) = (args.value("item")?, args.value("asset")?, args.value("to")?);
                let meta = args.optional("meta").unwrap_or(Value::Null);
                sen::require(may_mint(call, &sender)?, "only a minter may mint")?;
                let item = name(Some(item), "item")?;
                let asset = name(Some(asset), "asset")?;
                let to = name(Some(to), "to")?;
                sen::require(!ITEMS.contains(call, &item), format!("item {item} exists"))?;
                let found = json!({"asset": asset, "owner": to, "retired": false, "meta": meta});
                ITEMS.set(call, &item, &found);
                call.emit("mint_item", &[("item", item), ("asset", asset), ("to", to)]);
                Ok(found)
            }
            "transfer_item" => {
                let (item, to) = (args.str("item")?, args.value("to")?);
                let mut found = owned_item(call, &item, &sender, "transfer it")?;
                let to = name(Some(to), "to")?;
                found["owner"] = Value::from(to.clone());
                ITEMS.set(call, &item, &found);
                call.emit("transfer_item", &[("item", item), ("to", to)]);
                Ok(found)
            }
            "retire_item" => {
                let item = args.str("item")?;
                let reason = reason(args);
                let mut found = ITEMS.get(call, &item)?;
                let Some(found_) = found.as_mut() else { return sen::fail(format!("no item {item}")) };
                sen::require(found_["owner"].as_str() == Some(&sender), "only the owner may retire it")?;
                sen::require(found_["retired"] != Value::Bool(true), "the item is already retired")?;
                found_["retired"] = Value::Bool(true);
                ITEMS.set(call, &item, found_);
                call.emit("retire_item", &[("item", item), ("reason", reason)]);
                Ok(found.unwrap_or(Value::Null))
            }
            _ => Err(sen::Error::NoEntry),
        }
    }

    fn query(call: &mut Call, entry: &str, args: &mut Args) -> sen::Result {
        match entry {
            "balance" => {
                let (asset, holder) = (args.str("asset")?, args.str("holder")?);
                Ok(BALANCES.get(call, &balance_key(&asset, &holder))?.unwrap_or(Value::from(0)))
            }
            "supply_of" => {
                let asset = args.str("asset")?;
                let totals = SUPPLY.get(call, &asset)?.unwrap_or(json!({"minted": 0, "retired": 0}));
                let minted = totals["minted"].as_u64().unwrap_or(0);
                let retired = totals["retired"].as_u64().unwrap_or(0);
                Ok(json!({"minted": minted, "retired": retired, "circulating": minted - retired}))
            }
            "item_of" => {
                let item = args.str("item")?;
                Ok(ITEMS.get(call, &item)?.unwrap_or(Value::Null))
            }
            _ => Err(sen::Error::NoEntry),
        }
    }
}

fn owned_item(call: &mut Call, item: &str, sender: &str, doing: &str) -> sen::Result<Value> {
    let found = ITEMS.get(call, item)?;
    let Some(found) = found else { return sen::fail(format!("no item {item}")) };
    sen::require(found["owner"].as_str() == Some(sender), format!("only the owner may {doing}"))?;
    sen::require(found["retired"] != Value::Bool(true), "the item is retired")?;
    Ok(found)
}

sen_contract::export_contract!(Registry);
