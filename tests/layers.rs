//! No two modules of a crate need each other, directly or in a circle: each
//! top-level module's `crate::...` paths (tests apart) form a graph without
//! cycles, in the runtime and in the macro crate; and so do the modules of
//! each folder (`expand/`, `export/` ...), through `super::` and
//! `crate::<folder>::` paths, an item the folder's `mod.rs` re-exports
//! standing for the module it comes from. Grouped imports (`use crate::{a,
//! b}`) count.

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
        for name in named_after(without_tests(&code), "crate::") {
            if name != module && !hubs.contains(&name.as_str()) {
                needs.insert(name);
            }
        }
    }
    graph
}

/// The modules of the folder `dir` (a module with a `mod.rs`) and the
/// siblings each names through `super::` (in its own file, or its folder's
/// `mod.rs`) or through `crate::<path>::`, anywhere in it.
fn folder_graph(src: &Path, dir: &Path) -> Graph {
    let path = dir
        .strip_prefix(src)
        .expect("under src")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("::");
    let absolute = format!("crate::{path}::");
    let reexports = reexports(dir);
    let mut graph = Graph::new();
    for entry in fs::read_dir(dir).expect("module folder") {
        let entry = entry.expect("entry").path();
        let name = entry
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if name == "mod" || (entry.is_file() && entry.extension().is_none_or(|e| e != "rs")) {
            continue;
        }
        let own = if entry.is_dir() {
            entry.join("mod.rs")
        } else {
            entry.clone()
        };
        let mut files = Vec::new();
        if entry.is_dir() {
            sources(&entry, &mut files);
        } else {
            files.push(entry.clone());
        }
        let needs = graph.entry(name.clone()).or_default();
        for file in files {
            let code = fs::read_to_string(&file).expect("readable source");
            let code = without_tests(&code);
            let mut named = named_after(code, &absolute);
            if file == own {
                // An item the folder's `mod.rs` re-exports stands for the
                // sibling it comes from (`super::go` for `b::go`).
                named.extend(
                    named_after(code, "super::")
                        .into_iter()
                        .map(|name| reexports.get(&name).cloned().unwrap_or(name)),
                );
            }
            needs.extend(named.into_iter().filter(|sibling| *sibling != name));
        }
    }
    // Only siblings are edges: `super::` also reaches the folder's own
    // items (its `mod.rs`), which are its hub.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for needs in graph.values_mut() {
        needs.retain(|name| modules.contains(name));
    }
    graph
}

/// The names the folder's `mod.rs` imports from a module of its own (`use
/// b::go;`, `pub(super) use b::{go, stop as halt};`), each with that module.
fn reexports(dir: &Path) -> BTreeMap<String, String> {
    let code = fs::read_to_string(dir.join("mod.rs")).expect("the folder's mod.rs");
    let mut names = BTreeMap::new();
    for statement in without_tests(&code).split(';') {
        let Some(at) = statement.find("use ") else {
            continue;
        };
        let path = statement[at + "use ".len()..].trim();
        let path = path.strip_prefix("self::").unwrap_or(path);
        let Some(module) = ident(path) else {
            continue;
        };
        let rest = &path[module.len()..];
        let Some(rest) = rest.strip_prefix("::") else {
            continue;
        };
        let items: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group.trim_end_matches('}').split(',').collect(),
            None => vec![rest],
        };
        for item in items {
            let item = item.trim();
            let name = match item.rsplit_once(" as ") {
                Some((_, alias)) => alias.trim(),
                None => item.rsplit("::").next().unwrap_or(item),
            };
            if let Some(name) = ident(name) {
                names.insert(name, module.clone());
            }
        }
    }
    names
}

/// The first path segment after each `prefix` in `code` that is a path (not
/// the tail of another name, `$crate::` or `crewtel::`), and each first
/// segment of a group after it (`crate::{a, b::c}` names `a` and `b`).
fn named_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().next_back();
        if matches!(before, Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == ':')
        {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        match rest.strip_prefix('{') {
            Some(group) => names.extend(group_heads(group)),
            None => names.extend(ident(rest)),
        }
    }
    names
}

/// The first segment of each item of the group `group` starts (after its
/// `{`): the identifiers that follow the opening brace or a comma at the
/// group's own depth.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_item = true;
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_item = true,
            c if c.is_whitespace() => {}
            _ if at_item && depth == 0 => {
                heads.extend(ident(&group[at..]));
                at_item = false;
            }
            _ => {}
        }
    }
    heads.retain(|head| head != "self");
    heads
}

fn ident(code: &str) -> Option<String> {
    let name: String = code
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Every folder module under `src` (one with a `mod.rs`).
fn folders(src: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(src).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            if path.join("mod.rs").is_file() {
                out.push(path.clone());
            }
            folders(&path, out);
        }
    }
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
fn the_reporter_modules_form_layers() {
    let graph = graph(&root().join("runtime/reporter/src"), &[]);
    assert!(
        graph.len() > 5,
        "the reporter's modules were found: {graph:?}"
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
fn the_modules_of_each_folder_form_layers() {
    for src in ["runtime/src", "runtime/reporter/src", "macros/src"] {
        let src = root().join(src);
        let mut dirs = Vec::new();
        folders(&src, &mut dirs);
        assert!(!dirs.is_empty(), "no module folder under {}", src.display());
        for dir in dirs {
            let graph = folder_graph(&src, &dir);
            assert_eq!(
                circle(&graph),
                None,
                "modules of {} that need each other",
                dir.display()
            );
        }
    }
}

#[test]
fn grouped_imports_are_read() {
    let names = named_after(
        "use crate::{a, b::{c, d}, self};\nuse crate::e::f;\nlet x = crewtel::g; $crate::h;",
        "crate::",
    );
    assert_eq!(names, BTreeSet::from(["a".into(), "b".into(), "e".into()]));
    let names = named_after("use super::{tier::tier, walk};", "super::");
    assert_eq!(names, BTreeSet::from(["tier".into(), "walk".into()]));
}

#[test]
fn a_circle_through_the_folder_s_reexport_is_found() {
    let src = Path::new(env!("CARGO_TARGET_TMPDIR")).join("layers-src");
    let dir = src.join("f");
    let _ = fs::remove_dir_all(&src);
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("mod.rs"),
        "mod a;\nmod b;\npub(super) use b::{go, stop as halt};\n",
    )
    .unwrap();
    fs::write(dir.join("a.rs"), "pub fn x() { super::halt(); }\n").unwrap();
    fs::write(
        dir.join("b.rs"),
        "use super::a::x;\npub fn go() {}\npub fn stop() { x() }\n",
    )
    .unwrap();
    let graph = folder_graph(&src, &dir);
    assert_eq!(
        circle(&graph),
        Some(vec!["a".into(), "b".into(), "a".into()]),
        "{graph:?}"
    );
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
