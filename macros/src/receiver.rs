//! `Self` in a field's type, written as the struct's own type: the derive
//! names field types in constants and functions outside the struct's impl,
//! where `Self` means nothing (serde_derive replaces it for the same reason).

use proc_macro2::Span;
use syn::visit_mut::VisitMut;
use syn::{
    Data, DeriveInput, GenericArgument, GenericParam, Ident, Path, PathArguments, PathSegment,
    Token, Type, TypePath, punctuated::Punctuated,
};

/// `input` with every `Self` in its fields' types written as the struct's
/// type, or `None` when no field's type names `Self`.
pub fn replaced(input: &DeriveInput) -> Option<DeriveInput> {
    if !fields(input).any(crate::types::names_self_type) {
        return None;
    }
    let mut input = input.clone();
    let mut replace = Replace(own_type(&input));
    match &mut input.data {
        Data::Struct(data) => data
            .fields
            .iter_mut()
            .for_each(|f| replace.visit_type_mut(&mut f.ty)),
        Data::Enum(data) => data
            .variants
            .iter_mut()
            .flat_map(|v| v.fields.iter_mut())
            .for_each(|f| replace.visit_type_mut(&mut f.ty)),
        // Refused by the derive, as it is.
        Data::Union(_) => {}
    }
    Some(input)
}

fn fields(input: &DeriveInput) -> Box<dyn Iterator<Item = &Type> + '_> {
    match &input.data {
        Data::Struct(data) => Box::new(data.fields.iter().map(|f| &f.ty)),
        Data::Enum(data) => Box::new(
            data.variants
                .iter()
                .flat_map(|v| v.fields.iter())
                .map(|f| &f.ty),
        ),
        Data::Union(_) => Box::new(std::iter::empty()),
    }
}

/// `Name<'a, T, N>`: the struct's type with its own parameters.
fn own_type(input: &DeriveInput) -> TypePath {
    let args: Punctuated<GenericArgument, Token![,]> = input
        .generics
        .params
        .iter()
        .map(|param| match param {
            GenericParam::Lifetime(param) => GenericArgument::Lifetime(param.lifetime.clone()),
            GenericParam::Type(param) => GenericArgument::Type(path_type(param.ident.clone())),
            GenericParam::Const(param) => GenericArgument::Type(path_type(param.ident.clone())),
        })
        .collect();
    let arguments = match args.is_empty() {
        true => PathArguments::None,
        false => PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args,
            gt_token: Default::default(),
        }),
    };
    TypePath {
        qself: None,
        path: Path::from(PathSegment {
            ident: input.ident.clone(),
            arguments,
        }),
    }
}

fn path_type(ident: Ident) -> Type {
    Type::Path(TypePath {
        qself: None,
        path: Path::from(ident),
    })
}

/// Writes `Self` as the struct's type, wherever a type path is `Self`.
struct Replace(TypePath);

impl VisitMut for Replace {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(path) = ty
            && path.qself.is_none()
            && path.path.leading_colon.is_none()
            && path.path.segments.len() == 1
            && path.path.segments[0].ident == "Self"
            && path.path.segments[0].arguments.is_empty()
        {
            let mut own = self.0.clone();
            // The struct's name where the user wrote `Self`, for errors.
            own.path.segments[0].ident.set_span(span_of(&path.path));
            *path = own;
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

fn span_of(path: &Path) -> Span {
    path.segments[0].ident.span()
}
