//! Sen contracts in Rust: the same host interface, state layout and answers as the Python
//! kit (`sen_contract.py`), for a contract compiled to a WebAssembly component of its own.
//!
//! ```ignore
//! use sen_contract::{self as sen, Args, Call, Map, Value};
//!
//! const COUNTS: Map = Map::new("count");
//!
//! struct Counter;
//! impl sen::Contract for Counter {
//!     fn execute(call: &mut Call, entry: &str, args: &mut Args) -> sen::Result {
//!         match entry {
//!             "add" => {
//!                 let by = args.u64("by")?;
//!                 let now = COUNTS.get_u64(call, "total")?.unwrap_or(0) + by;
//!                 COUNTS.set(call, "total", &Value::from(now));
//!                 Ok(Value::from(now))
//!             }
//!             _ => Err(sen::Error::NoEntry),
//!         }
//!     }
//! }
//! sen_contract::export_contract!(Counter);
//! ```
//!
//! A call's writes and events are kept here and handed to the host when the call returns
//! (a refused call hands back nothing, so it writes nothing). Values are stored as
//! canonical JSON (sorted keys, no spaces), the Python kit's encoding, so the two kits
//! read each other's state. There is no clock, no randomness and no file: the component
//! imports only the host (the node refuses one that imports anything else).
#![no_std]

extern crate alloc;

use alloc::borrow::ToOwned;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

pub use serde_json::{json, Value};

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "contract",
        path: "../../wit",
        pub_export_macro: true,
        export_macro_name: "export_bindings",
        default_bindings_module: "::sen_contract::bindings",
    });
}

use bindings::sen::contract::host;

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

/// A panic traps the call (status "trapped"): nothing is written, the gas used is kept.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Why a call failed; nothing it wrote is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The contract refuses the call (status "refused").
    Refused(String),
    /// No entry of this kind by this name (status "no_entry").
    NoEntry,
    /// The arguments are not what the entry takes (status "bad_arguments").
    Arguments(String),
}

pub type Result<T = Value> = core::result::Result<T, Error>;

/// Refuse the call with `message`.
pub fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(Error::Refused(message.into()))
}

/// Refuse the call with `message` unless `condition` holds.
pub fn require(condition: bool, message: impl Into<String>) -> Result<()> {
    if condition {
        Ok(())
    } else {
        fail(message)
    }
}

/// The call's environment, from the block: never the node's clock.
#[derive(Debug, Clone)]
pub struct Env {
    pub chain_id: String,
    pub height: u64,
    /// Seconds since the epoch: the block's time.
    pub time: u64,
    /// This contract's address (hex).
    pub contract: String,
    /// The transaction's signer (hex address).
    pub sender: String,
    /// Who called this contract: the sender, or a contract.
    pub caller: String,
}

impl Env {
    fn parse(text: &str) -> Option<Env> {
        let doc: Value = serde_json::from_str(text).ok()?;
        let text_of = |name: &str| doc.get(name)?.as_str().map(ToOwned::to_owned);
        Some(Env {
            chain_id: text_of("chain_id")?,
            height: doc.get("height")?.as_u64()?,
            time: doc.get("time")?.as_u64()?,
            contract: text_of("contract")?,
            sender: text_of("sender")?,
            caller: text_of("caller")?,
        })
    }
}

/// One call: its environment, what it has read, written and emitted.
pub struct Call {
    env: Env,
    reads: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    events: Vec<(String, Vec<(String, String)>)>,
}

const PAGE: u32 = 200; // the most keys one host scan gives

impl Call {
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// A key of this contract's state (relative to its prefix), this call's writes first.
    pub fn get_raw(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        if let Some(value) = self.writes.get(key) {
            return value.clone();
        }
        if let Some(value) = self.reads.get(key) {
            return value.clone();
        }
        let found = host::state_get(&hex(key)).map(|text| unhex(&text));
        self.reads.insert(key.to_vec(), found.clone());
        found
    }

    /// Write (`Some`) or delete (`None`) a key; kept only if the call succeeds.
    pub fn set_raw(&mut self, key: &[u8], value: Option<Vec<u8>>) {
        self.writes.insert(key.to_vec(), value);
    }

    /// (key, value) in `[low, high)` in key order, at most `limit`, with this call's writes.
    pub fn scan_raw(&mut self, low: &[u8], high: &[u8], limit: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
        let range = low.to_vec()..high.to_vec();
        let mut committed: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let mut cursor = low.to_vec();
        // the last committed key read when a page came back full (None: read to `high`)
        let bound: Option<Vec<u8>> = loop {
            let page: Vec<(String, String)> =
                serde_json::from_str(&host::state_scan(&hex(&cursor), &hex(high), PAGE))
                    .unwrap_or_else(|_| panic!());
            let full = page.len() >= PAGE as usize;
            committed.extend(page.iter().map(|(k, v)| (unhex(k), unhex(v))));
            if !full {
                break None;
            }
            let last = committed.last().map(|(k, _)| k.clone()).unwrap_or_default();
            let mut visible: BTreeSet<&[u8]> = committed
                .iter()
                .filter(|(k, _)| !matches!(self.writes.get(k), Some(None)))
                .map(|(k, _)| k.as_slice())
                .collect();
            visible.extend(
                self.writes
                    .range(range.clone())
                    .filter(|(k, v)| v.is_some() && **k <= last)
                    .map(|(k, _)| k.as_slice()),
            );
            if visible.len() >= limit {
                break Some(last);
            }
            cursor = last;
            cursor.push(0);
        };
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for (key, value) in committed {
            self.reads.entry(key.clone()).or_insert_with(|| Some(value.clone()));
            merged.insert(key, value);
        }
        for (key, value) in self.writes.range(range) {
            if bound.as_ref().is_some_and(|b| key > b) {
                break;
            }
            match value {
                Some(v) => merged.insert(key.clone(), v.clone()),
                None => merged.remove(key),
            };
        }
        merged.into_iter().take(limit).collect()
    }

    /// An event of this call (`contract.<kind>`), kept only if the call succeeds.
    pub fn emit(&mut self, kind: &str, attributes: &[(&str, String)]) {
        let mut pairs: Vec<(String, String)> =
            attributes.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        pairs.sort();
        self.events.push((kind.to_owned(), pairs));
    }

    /// A read of Sen's system modules, e.g. `call.system("membership/member", json!({"address": a}))`.
    pub fn system(&mut self, path: &str, args: Value) -> Result {
        match host::system_query(path, &args.to_string()) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| Error::Refused(e.to_string())),
            Err(message) => Err(Error::Refused(message)),
        }
    }

    /// Run another contract's execute entry (at most `gas`; 0: all that is left).
    pub fn call(&mut self, contract: &str, entry: &str, args: Value, gas: u64) -> Result {
        self.call_other(contract, "execute", entry, args, gas)
    }

    /// Run another contract's query entry (at most `gas`; 0: all that is left).
    pub fn ask(&mut self, contract: &str, entry: &str, args: Value, gas: u64) -> Result {
        self.call_other(contract, "query", entry, args, gas)
    }

    fn call_other(&mut self, contract: &str, kind: &str, entry: &str, args: Value, gas: u64) -> Result {
        require(
            contract.len() == 40 && contract.bytes().all(|b| b.is_ascii_hexdigit()),
            "contract: expected an address (40 hex characters)",
        )?;
        match host::call_contract(&contract.to_ascii_lowercase(), kind, entry, &args.to_string(), gas) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| Error::Refused(e.to_string())),
            Err(message) => Err(Error::Refused(message)),
        }
    }

    pub fn sha256(&mut self, data: &[u8]) -> Vec<u8> {
        unhex(&host::sha256(&hex(data)))
    }

    pub fn verify_signature(&mut self, suite: &str, key: &[u8], message: &[u8], signature: &[u8]) -> bool {
        host::verify_signature(suite, &hex(key), &hex(message), &hex(signature))
    }
}

/// Canonical JSON: sorted keys (serde_json's maps are ordered), no spaces, UTF-8.
pub fn encode(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

/// A named map in the contract's state, laid out as the Python kit's `sen.Map`.
pub struct Map {
    name: &'static str,
}

impl Map {
    pub const fn new(name: &'static str) -> Map {
        Map { name }
    }

    fn key(&self, key: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.name.len() + 1 + key.len());
        out.extend_from_slice(self.name.as_bytes());
        out.push(0);
        out.extend_from_slice(key.as_bytes());
        out
    }

    pub fn get(&self, call: &mut Call, key: &str) -> Result<Option<Value>> {
        match call.get_raw(&self.key(key)) {
            None => Ok(None),
            Some(raw) => serde_json::from_slice(&raw)
                .map(Some)
                .map_err(|_| Error::Refused(format!("{}[{key}]: stored value is not JSON", self.name))),
        }
    }

    /// The value at `key` as an unsigned integer (a refusal if it is something else).
    pub fn get_u64(&self, call: &mut Call, key: &str) -> Result<Option<u64>> {
        match self.get(call, key)? {
            None => Ok(None),
            Some(value) => value
                .as_u64()
                .map(Some)
                .ok_or_else(|| Error::Refused(format!("{}[{key}]: stored value is not an integer", self.name))),
        }
    }

    pub fn set(&self, call: &mut Call, key: &str, value: &Value) {
        call.set_raw(&self.key(key), Some(encode(value)));
    }

    pub fn remove(&self, call: &mut Call, key: &str) {
        call.set_raw(&self.key(key), None);
    }

    pub fn contains(&self, call: &mut Call, key: &str) -> bool {
        call.get_raw(&self.key(key)).is_some()
    }

    /// (key, value) in key order from `start` (included) to `stop` (excluded), at most `limit`
    /// (1 to 1,000), this call's writes included.
    pub fn items(
        &self,
        call: &mut Call,
        start: Option<&str>,
        stop: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Value)>> {
        require((1..=1000).contains(&limit), "limit: expected an integer from 1 to 1000")?;
        let low = self.key(start.unwrap_or(""));
        let high = match stop {
            Some(stop) => self.key(stop),
            None => {
                let mut high = self.name.as_bytes().to_vec();
                high.push(1);
                high
            }
        };
        let size = self.name.len() + 1;
        let mut out = Vec::new();
        for (key, raw) in call.scan_raw(&low, &high, limit) {
            let name = String::from_utf8_lossy(&key[size..]).into_owned();
            let value = serde_json::from_slice(&raw)
                .map_err(|_| Error::Refused(format!("{}[{name}]: stored value is not JSON", self.name)))?;
            out.push((name, value));
        }
        Ok(out)
    }
}

/// A single named value in the contract's state, laid out as the Python kit's `sen.Item`.
pub struct Item {
    name: &'static str,
}

impl Item {
    pub const fn new(name: &'static str) -> Item {
        Item { name }
    }

    fn key(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.name.len() + 1);
        out.push(1);
        out.extend_from_slice(self.name.as_bytes());
        out
    }

    pub fn get(&self, call: &mut Call) -> Result<Option<Value>> {
        match call.get_raw(&self.key()) {
            None => Ok(None),
            Some(raw) => serde_json::from_slice(&raw)
                .map(Some)
                .map_err(|_| Error::Refused(format!("{}: stored value is not JSON", self.name))),
        }
    }

    pub fn set(&self, call: &mut Call, value: &Value) {
        call.set_raw(&self.key(), Some(encode(value)));
    }

    pub fn delete(&self, call: &mut Call) {
        call.set_raw(&self.key(), None);
    }
}

/// An entry's keyword arguments. One the entry did not take is refused ("unknown
/// argument"), as the Python kit refuses one its function does not name.
pub struct Args {
    values: BTreeMap<String, Value>,
    taken: Vec<String>,
}

impl Args {
    fn take(&mut self, name: &str) -> Option<&Value> {
        if !self.taken.iter().any(|t| t == name) {
            self.taken.push(name.to_owned());
        }
        self.values.get(name)
    }

    /// The argument `name`, or an "arguments" failure naming it.
    pub fn value(&mut self, name: &str) -> Result<Value> {
        self.take(name)
            .cloned()
            .ok_or_else(|| Error::Arguments(format!("missing argument '{name}'")))
    }

    /// The argument `name`, or None when the call left it out.
    pub fn optional(&mut self, name: &str) -> Option<Value> {
        self.take(name).cloned()
    }

    /// A text argument; anything else is an "arguments" failure naming it, as the Python
    /// kit's `name: str` annotation gives.
    pub fn str(&mut self, name: &str) -> Result<String> {
        match self.value(name)? {
            Value::String(text) => Ok(text),
            other => Err(Error::Arguments(format!("{name}: expected str, got {}", kind_of(&other)))),
        }
    }

    /// A non-negative integer argument of at most 2^64 - 1 (an "arguments" failure else).
    pub fn u64(&mut self, name: &str) -> Result<u64> {
        let value = self.value(name)?;
        value.as_u64().ok_or_else(|| match value {
            Value::Number(ref n) if !n.is_f64() => {
                Error::Arguments(format!("{name}: expected an int from 0 to 2**64-1, got {n}"))
            }
            _ => Error::Arguments(format!("{name}: expected int, got {}", kind_of(&value))),
        })
    }

    /// The first argument the entry did not take, said as the Python kit says it.
    fn unexpected(&self) -> Option<String> {
        let name = self.values.keys().find(|name| !self.taken.iter().any(|t| t == *name))?;
        if self.taken.is_empty() {
            return Some(format!("unknown argument '{name}'; expected no arguments"));
        }
        Some(format!("unknown argument '{name}'; expected: {}", self.taken.join(", ")))
    }
}

/// A JSON value's type as Python names it (the Python kit's messages say the same).
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// A contract: the entries it has, by kind. An entry it does not have answers
/// [`Error::NoEntry`] (the default for every kind).
pub trait Contract {
    fn instantiate(_call: &mut Call, _args: &mut Args) -> Result {
        Err(Error::NoEntry)
    }
    fn execute(_call: &mut Call, _entry: &str, _args: &mut Args) -> Result {
        Err(Error::NoEntry)
    }
    fn query(_call: &mut Call, _entry: &str, _args: &mut Args) -> Result {
        Err(Error::NoEntry)
    }
    fn migrate(_call: &mut Call, _args: &mut Args) -> Result {
        Err(Error::NoEntry)
    }
}

/// The component's `run`: what [`export_contract!`] exports for `C`.
#[doc(hidden)]
pub fn run<C: Contract>(kind: String, entry: String, args: String, env: String) -> core::result::Result<String, String> {
    let env = Env::parse(&env).ok_or_else(|| "runtime: the environment is not what the host sends".to_owned())?;
    let values: BTreeMap<String, Value> = match serde_json::from_str(&args) {
        Ok(Value::Object(map)) => map.into_iter().collect(),
        _ => return Err("arguments: expected a JSON object".to_owned()),
    };
    let empty = values.is_empty();
    let mut args = Args { values, taken: Vec::new() };
    let mut call = Call { env, reads: BTreeMap::new(), writes: BTreeMap::new(), events: Vec::new() };
    let outcome = match kind.as_str() {
        "instantiate" => C::instantiate(&mut call, &mut args),
        "execute" => C::execute(&mut call, &entry, &mut args),
        "query" => C::query(&mut call, &entry, &mut args),
        "migrate" => C::migrate(&mut call, &mut args),
        _ => return Err(format!("no-entry: no entry kind '{kind}'")),
    };
    let answer = match outcome {
        Ok(answer) => answer,
        Err(Error::NoEntry) if kind == "instantiate" || kind == "migrate" => {
            if !empty {
                return Err(format!("arguments: the contract has no {kind} entry to take them"));
            }
            Value::Null
        }
        Err(Error::NoEntry) => return Err(format!("no-entry: the contract has no {kind} entry '{entry}'")),
        Err(Error::Arguments(message)) => return Err(format!("arguments: {message}")),
        Err(Error::Refused(message)) => return Err(format!("refused: {message}")),
    };
    if let Some(problem) = args.unexpected() {
        return Err(format!("arguments: {problem}"));
    }
    if kind == "query" && !call.writes.is_empty() {
        return Err("query-wrote: a query may not write state".to_owned());
    }
    let writes: Vec<Value> = call
        .writes
        .iter()
        .map(|(k, v)| Value::Array(alloc::vec![Value::String(hex(k)), v.as_ref().map_or(Value::Null, |v| Value::String(hex(v)))]))
        .collect();
    let events: Vec<Value> = call
        .events
        .into_iter()
        .map(|(kind, pairs)| json!([kind, pairs.into_iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>()]))
        .collect();
    Ok(json!({"answer": answer, "writes": writes, "events": events}).to_string())
}

/// Export `$contract` (a type implementing [`Contract`]) as the component's `run`.
#[macro_export]
macro_rules! export_contract {
    ($contract:ty) => {
        struct __SenGuest;
        impl $crate::bindings::Guest for __SenGuest {
            fn run(
                kind: $crate::__String,
                entry: $crate::__String,
                args: $crate::__String,
                env: $crate::__String,
            ) -> ::core::result::Result<$crate::__String, $crate::__String> {
                $crate::run::<$contract>(kind, entry, args, env)
            }
        }
        $crate::bindings::export_bindings!(__SenGuest with_types_in $crate::bindings);
    };
}

#[doc(hidden)]
pub use alloc::string::String as __String;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

pub fn hex(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 2);
    for byte in data {
        out.push(DIGITS[(byte >> 4) as usize] as char);
        out.push(DIGITS[(byte & 15) as usize] as char);
    }
    out
}

/// The host sends only hex; anything else is a broken host, and traps.
fn unhex(text: &str) -> Vec<u8> {
    fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!(),
        }
    }
    text.as_bytes().chunks(2).map(|pair| (nibble(pair[0]) << 4) | nibble(pair[1])).collect()
}
