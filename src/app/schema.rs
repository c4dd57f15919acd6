//! `cachegen schema`: the JSON Schema of `cache.yaml`, for editors and CI.

/// The schema document, as `schema/cache.schema.json` holds it.
pub fn text() -> String {
    crate::spec::schema::text()
}
