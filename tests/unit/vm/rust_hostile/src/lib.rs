//! Misbehaviour, one entry each: what the node must survive with a deterministic result.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

use sen_contract::{self as sen, Args, Call, Map, Value};

const KEYS: Map = Map::new("k");

#[inline(never)]
fn deeper(n: u64, buffer: &mut [u8; 64]) -> u64 {
    buffer[(n % 64) as usize] ^= n as u8;
    if n == 0 { 0 } else { 1 + deeper(n - 1, buffer) + buffer[0] as u64 }
}

struct Hostile;

impl sen::Contract for Hostile {
    fn execute(call: &mut Call, entry: &str, args: &mut Args) -> sen::Result {
        match entry {
            "write" => {
                KEYS.set(call, "x", &Value::from(1));
                Ok(Value::Null)
            }
            "spin" => {
                KEYS.set(call, "x", &Value::from(1));
                let mut n: u64 = 0;
                loop {
                    n = core::hint::black_box(n.wrapping_add(1));
                }
            }
            "panic" => {
                KEYS.set(call, "x", &Value::from(1));
                panic!("on purpose")
            }
            "grow" => {
                KEYS.set(call, "x", &Value::from(1));
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(Vec::with_capacity(16 << 20)); // memory.grow, never written
                    core::hint::black_box(&hoard);
                }
            }
            "recurse" => {
                KEYS.set(call, "x", &Value::from(1));
                let depth = args.u64("depth")?;
                let mut buffer = [0u8; 64];
                Ok(Value::from(deeper(core::hint::black_box(depth), &mut buffer)))
            }
            "nan" => {
                // a NaN with a payload: canonicalised by the engine, so every node sees the same bits
                let odd = f64::from_bits(core::hint::black_box(0x7ff8_0000_0000_0abc));
                let made = core::hint::black_box(odd) * core::hint::black_box(1.0f64);
                Ok(Value::from(alloc::format!("{:016x}", made.to_bits())))
            }
            "huge_answer" => {
                let text = String::from_utf8(alloc::vec![b'a'; (4 << 20) + 1024]).unwrap_or_default();
                Ok(Value::from(text))
            }
            "call_self" => {
                let me = call.env().contract.clone();
                call.call(&me, "write", sen::json!({}), 0)
            }
            _ => Err(sen::Error::NoEntry),
        }
    }
}

sen_contract::export_contract!(Hostile);
