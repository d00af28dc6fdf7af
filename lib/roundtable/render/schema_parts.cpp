#include <roundtable/render/schema_parts.hpp>
#include <string>

namespace roundtable::render::schema {

Json ref(std::string_view name) {
    return Json{{"$ref", "#/$defs/" + std::string(name)}};
}

Json string_type() {
    return Json{{"type", "string"}};
}

Json count_type() {
    return Json{{"type", "integer"}, {"minimum", 0}};
}

Json share_type() {
    return Json{{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
}

Json string_or_null() {
    return Json{{"type", Json::array({"string", "null"})}};
}

Json described(Json schema, std::string_view description) {
    schema["description"] = description;
    return schema;
}

Json array_of(Json items) {
    return Json{{"type", "array"}, {"items", std::move(items)}};
}

Json object_of(std::initializer_list<std::pair<const char*, Json>> properties) {
    Json props = Json::object();
    Json required = Json::array();
    for (const auto& [name, schema] : properties) {
        props[name] = schema;
        required.push_back(name);
    }
    return Json{{"type", "object"}, {"required", required}, {"properties", props}};
}

Json document(std::string_view title, std::string_view description, const Json& top, Json defs) {
    Json out = Json::object();
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    out["title"] = title;
    out["description"] = description;
    out["type"] = "object";
    out["required"] = top["required"];
    out["properties"] = top["properties"];
    out["additionalProperties"] = true;
    out["$defs"] = std::move(defs);
    return out;
}

} // namespace roundtable::render::schema
