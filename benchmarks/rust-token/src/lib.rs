//! The contracts benchmark's token (`senbench.contracts.TOKEN`) in Rust: holders named at
//! instantiation, transfers between them; the same state layout, answers and events.
#![no_std]

extern crate alloc;

use alloc::format;

use sen_contract::{self as sen, json, Args, Call, Map, Value};

const BALANCES: Map = Map::new("balances");

struct Token;

impl sen::Contract for Token {
    fn instantiate(call: &mut Call, args: &mut Args) -> sen::Result {
        let holders = args.value("holders")?;
        let amount = args.u64("amount")?;
        for holder in holders.as_array().map(|l| l.as_slice()).unwrap_or_default() {
            let Some(holder) = holder.as_str() else { return sen::fail("holders: expected text") };
            BALANCES.set(call, holder, &Value::from(amount));
        }
        Ok(Value::Null)
    }

    fn execute(call: &mut Call, entry: &str, args: &mut Args) -> sen::Result {
        match entry {
            "transfer" => {
                let to = args.str("to")?;
                let amount = args.u64("amount")?;
                let sender = call.env().sender.clone();
                let have = BALANCES.get_u64(call, &sender)?.unwrap_or(0);
                sen::require(0 < amount && amount <= have, "insufficient balance")?;
                BALANCES.set(call, &sender, &Value::from(have - amount));
                let theirs = BALANCES.get_u64(call, &to)?.unwrap_or(0);
                BALANCES.set(call, &to, &Value::from(theirs + amount));
                call.emit("transfer", &[("amount", format!("{amount}")), ("to", to)]);
                Ok(json!({"balance": have - amount}))
            }
            "noop" => Ok(Value::Null),
            _ => Err(sen::Error::NoEntry),
        }
    }

    fn query(call: &mut Call, entry: &str, args: &mut Args) -> sen::Result {
        match entry {
            "balance" => {
                let of = args.str("of")?;
                Ok(BALANCES.get(call, &of)?.unwrap_or(Value::from(0)))
            }
            _ => Err(sen::Error::NoEntry),
        }
    }
}

sen_contract::export_contract!(Token);
