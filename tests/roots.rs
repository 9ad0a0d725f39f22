//! Each crate's root names what a host writes, the rest lives in modules:
//! `crewtel`'s root names at most 25 public items, the reporter's as few,
//! and everything a root hides from the documentation is marked as not an
//! API by its `__` name.

use std::fs;
use std::path::Path;

use syn::{Attribute, Item, UseTree, Visibility};

const MOST_ITEMS: usize = 25;

fn hidden(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("doc")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|word| word == "hidden")
    })
}

fn names(tree: &UseTree, out: &mut Vec<String>) {
    match tree {
        UseTree::Path(path) => names(&path.tree, out),
        UseTree::Name(name) => out.push(name.ident.to_string()),
        UseTree::Rename(rename) => out.push(rename.rename.to_string()),
        UseTree::Glob(_) => out.push("*".to_owned()),
        UseTree::Group(group) => group.items.iter().for_each(|tree| names(tree, out)),
    }
}

/// The names a root makes public, as (name, hidden from the docs).
fn root_items(lib: &Path) -> Vec<(String, bool)> {
    let code = fs::read_to_string(lib).expect("the crate's root");
    let file = syn::parse_file(&code).expect("the root parses");
    let mut items = Vec::new();
    for item in &file.items {
        let (vis, attrs, name) = match item {
            Item::Use(item) => {
                let mut used = Vec::new();
                names(&item.tree, &mut used);
                if matches!(item.vis, Visibility::Public(_)) {
                    let hide = hidden(&item.attrs);
                    items.extend(used.into_iter().map(|name| (name, hide)));
                }
                continue;
            }
            Item::Mod(item) => (&item.vis, &item.attrs, item.ident.to_string()),
            Item::Struct(item) => (&item.vis, &item.attrs, item.ident.to_string()),
            Item::Enum(item) => (&item.vis, &item.attrs, item.ident.to_string()),
            Item::Trait(item) => (&item.vis, &item.attrs, item.ident.to_string()),
            Item::Fn(item) => (&item.vis, &item.attrs, item.sig.ident.to_string()),
            Item::Const(item) => (&item.vis, &item.attrs, item.ident.to_string()),
            Item::Static(item) => (&item.vis, &item.attrs, item.ident.to_string()),
            Item::Type(item) => (&item.vis, &item.attrs, item.ident.to_string()),
            _ => continue,
        };
        let doctest_only = attrs.iter().any(|attr| attr.path().is_ident("cfg"));
        if matches!(vis, Visibility::Public(_)) && !doctest_only {
            items.push((name, hidden(attrs)));
        }
    }
    items
}

/// `#[macro_export]` macros land at the root wherever they are written.
fn exported_macros(src: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(src).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            exported_macros(&path, out);
            continue;
        }
        let code = fs::read_to_string(&path).expect("a source file");
        let lines: Vec<&str> = code.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            if line.trim() == "#[macro_export]" {
                let name = lines[at + 1..]
                    .iter()
                    .find_map(|line| line.trim().strip_prefix("macro_rules! "))
                    .expect("a macro after #[macro_export]");
                out.push(format!("{}!", name.trim_end_matches(" {")));
            }
        }
    }
}

fn public_root(krate: &str) -> (Vec<String>, Vec<String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(krate)
        .join("src");
    let items = root_items(&src.join("lib.rs"));
    let mut public: Vec<String> = items
        .iter()
        .filter(|(_, hide)| !hide)
        .map(|(name, _)| name.clone())
        .collect();
    exported_macros(&src, &mut public);
    // A trait and its derive share a name (and a line of the docs).
    public.sort();
    public.dedup();
    let hidden = items
        .into_iter()
        .filter(|(_, hide)| *hide)
        .map(|(name, _)| name)
        .collect();
    (public, hidden)
}

fn check(krate: &str) {
    let (public, hidden) = public_root(krate);
    assert!(
        public.len() <= MOST_ITEMS,
        "{krate}'s root names {} items, more than {MOST_ITEMS}: {public:?}",
        public.len()
    );
    assert!(
        !public.iter().any(|name| name == "*"),
        "{krate}: a glob re-export at the root"
    );
    for name in hidden {
        assert!(
            name.starts_with("__"),
            "{krate}: `{name}` is hidden at the root but not named as internal (`__`)"
        );
    }
}

#[test]
fn the_facade_root_names_at_most_25_items() {
    check("runtime");
}

#[test]
fn the_reporter_root_is_as_small() {
    check("runtime/reporter");
}

#[test]
fn the_count_sees_every_kind_of_root_item() {
    let (public, _) = public_root("runtime");
    for name in ["Telemetry", "Consent", "Dispatch", "testing", "literal!"] {
        assert!(
            public.iter().any(|item| item == name),
            "{name} not counted: {public:?}"
        );
    }
}
