// The pieces the JSON Schemas of roundtable's documents are built from (the card's,
// render/schema.cpp; the score's, score/schema.cpp): references into $defs, common types,
// objects whose properties are all required, and the document around them. Included by
// the schema builders only (it brings nlohmann/json). Pure functions; thread-safe.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

namespace roundtable::render::schema {

using Json = nlohmann::ordered_json;

// Returns {"$ref": "#/$defs/NAME"}; never fails.
Json ref(std::string_view name);

// Returns the schema of a string, of a count (an integer of at least 0), of a share (a number
// 0-1), of a string or null; never fails.
Json string_type();
Json count_type();
Json share_type();
Json string_or_null();

// Returns `schema` with its "description" set; never fails.
Json described(Json schema, std::string_view description);

// Returns the schema of an array of `items`; never fails.
Json array_of(Json items);

// Returns an object schema whose listed properties are all required; never fails.
Json object_of(std::initializer_list<std::pair<const char*, Json>> properties);

// Returns a draft 2020-12 document titled `title` for the object `top` (an object_of()),
// which may carry more names than it lists, with `defs` as its $defs; never fails.
Json document(std::string_view title, std::string_view description, const Json& top, Json defs);

} // namespace roundtable::render::schema
