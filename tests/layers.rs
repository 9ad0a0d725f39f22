//! No two modules of a crate need each other, directly or in a circle: each
//! top-level module's `crate::...` paths (tests apart) form a graph without
//! cycles, in the runtime and in the macro crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Top-level module -> the top-level modules it names through `crate::`.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module's code without its `#[cfg(test)] mod tests` (tests may reach
/// anywhere).
fn without_tests(code: &str) -> &str {
    code.find("#[cfg(test)]\nmod tests")
        .map_or(code, |at| &code[..at])
}

fn graph(src: &Path, hubs: &[&str]) -> Graph {
    let mut files = Vec::new();
    sources(src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let relative = file.strip_prefix(src).expect("under src");
        let first = relative.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" || hubs.contains(&module.as_str()) {
            continue;
        }
        let code = fs::read_to_string(&file).expect("readable source");
        let needs = graph.entry(module.clone()).or_default();
        for (at, _) in without_tests(&code).match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `$crate::` in a macro and `crewtel::` are not module edges.
            let before = code[..at].chars().next_back();
            let is_path =
                !matches!(before, Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '$');
            if is_path && !name.is_empty() && name != module && !hubs.contains(&name.as_str()) {
                needs.insert(name);
            }
        }
    }
    graph
}

/// A circle of modules, if there is one.
fn circle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            let mut found = path[at..].to_vec();
            found.push(module.to_owned());
            return Some(found);
        }
        if !done.insert(module.to_owned()) {
            return None;
        }
        path.push(module.to_owned());
        for next in graph.get(module).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| visit(module, graph, &mut Vec::new(), &mut done))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_runtime_modules_form_layers() {
    // `__private` is the derives' re-export hub, not a layer.
    let graph = graph(&root().join("runtime/src"), &["__private"]);
    assert!(
        graph.len() > 10,
        "the runtime's modules were found: {graph:?}"
    );
    assert_eq!(circle(&graph), None, "modules that need each other");
}

#[test]
fn the_macro_modules_form_layers() {
    let graph = graph(&root().join("macros/src"), &[]);
    assert!(
        graph.len() > 3,
        "the macro crate's modules were found: {graph:?}"
    );
    assert_eq!(circle(&graph), None, "modules that need each other");
}

#[test]
fn a_circle_is_found() {
    let mut graph = Graph::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        circle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    graph.get_mut("c").unwrap().clear();
    assert_eq!(circle(&graph), None);
}
