#include <roundtable/panel/card.hpp>
#include <roundtable/render/render.hpp>
#include <roundtable/render/schema_parts.hpp>
#include <string>

namespace roundtable::render {

namespace {

using namespace schema;

Json build_schema() {
    Json defs = Json::object();
    defs["stance"] =
        Json{{"type", "string"}, {"enum", Json::array({"bearish", "neutral", "bullish"})}};
    defs["strings"] = Json{{"type", "array"}, {"items", string_type()}};
    defs["votes"] = object_of(
        {{"bearish", count_type()}, {"neutral", count_type()}, {"bullish", count_type()}});

    defs["article"] =
        object_of({{"title", string_type()},
                   {"source", string_type()},
                   {"sha256", Json{{"type", "string"}, {"pattern", "^([0-9a-f]{64})?$"}}},
                   {"chars", count_type()},
                   {"bytes", count_type()},
                   {"byline", string_or_null()},
                   {"published", string_or_null()},
                   {"site", string_or_null()}});

    Json seat =
        object_of({{"seat", string_type()},
                   {"provider", string_type()},
                   {"model", string_type()},
                   {"status", Json{{"type", "string"}, {"enum", Json::array({"ok", "failed"})}}},
                   {"error", string_or_null()}});
    seat["properties"]["effort"] = Json{{"type", Json::array({"string", "null"})},
                                        {"enum", Json::array({"low", "medium", "high", nullptr})}};
    seat["properties"]["notes"] = ref("strings"); // added within v1: optional
    seat["allOf"] =
        Json::array({Json{{"if", Json{{"properties", Json{{"status", Json{{"const", "ok"}}}}}}},
                          {"then", Json{{"properties", Json{{"error", Json{{"type", "null"}}}}}}},
                          {"else", Json{{"properties", Json{{"error", string_type()}}}}}}});
    defs["seat"] = seat;

    // How each claim was matched (guard/grounding.hpp); an addition within v1,
    // so optional: cards written before it have no "claims".
    defs["claim"] = object_of(
        {{"text", string_type()},
         {"kind", Json{{"type", "string"},
                       {"enum", Json::array({"number", "percent", "money", "date", "year", "range",
                                             "quote", "evidence", "identifier"})}}},
         {"match",
          Json{{"type", "string"},
               {"enum", Json::array({"exact_text", "normalized_number", "normalized_date",
                                     "without_unit", "equivalent_unit", "rounded_number",
                                     "date_part", "identifier", "loose_text", "not_found"})}}},
         {"article", string_or_null()}});
    const Json claims = Json{{"type", "array"}, {"items", ref("claim")}};

    defs["take"] = object_of({{"seat", string_type()},
                              {"stance", ref("stance")},
                              {"confidence", share_type()},
                              {"headline", string_type()},
                              {"analysis", string_type()},
                              {"counterpoint", string_type()},
                              {"evidence", ref("strings")},
                              {"ungrounded", ref("strings")},
                              {"claims_checked", count_type()}});
    defs["take"]["properties"]["claims"] = claims;

    defs["rebuttal"] = object_of({{"seat", string_type()},
                                  {"responds_to", ref("strings")},
                                  {"headline", string_type()},
                                  {"text", string_type()},
                                  {"stance_after", ref("stance")},
                                  {"confidence_after", share_type()},
                                  {"ungrounded", ref("strings")},
                                  {"claims_checked", count_type()}});
    defs["rebuttal"]["properties"]["claims"] = claims;

    defs["shift"] = object_of({{"seat", string_type()},
                               {"from", ref("stance")},
                               {"to", ref("stance")},
                               {"new_evidence", Json{{"type", "boolean"}}}});

    defs["consensus"] = object_of(
        {{"stance", Json{{"type", "string"},
                         {"enum", Json::array({"bearish", "neutral", "bullish", "split"})}}},
         {"vote", Json{{"type", "string"}, {"pattern", "^[0-9]+(-[0-9]+)+$"}}},
         {"votes", ref("votes")},
         {"initial_votes", ref("votes")},
         {"agreement", share_type()},
         {"summary", string_type()},
         {"risk", string_type()},
         {"opportunity", string_type()},
         {"chair", string_type()},
         {"synthesized", Json{{"type", "boolean"}}},
         {"shifts", Json{{"type", "array"}, {"items", ref("shift")}}},
         {"ungrounded", ref("strings")},
         {"claims_checked", count_type()},
         {"chair_error", string_or_null()}});
    defs["consensus"]["properties"]["claims"] = claims;

    defs["usage"] = object_of({{"calls", count_type()},
                               {"cache_hits", count_type()},
                               {"input_tokens", count_type()},
                               {"output_tokens", count_type()},
                               {"cached_tokens", count_type()},
                               {"cost_usd", Json{{"type", "number"}, {"minimum", 0}}},
                               {"wall_ms", count_type()}});
    defs["usage"]["properties"]["reasoning_tokens"] = count_type(); // added within v1: optional

    Json top = object_of({{"schema", Json{{"const", std::string(panel::k_card_schema)}}},
                          {"article", ref("article")},
                          {"offline", Json{{"type", "boolean"}}},
                          {"seats", Json{{"type", "array"}, {"items", ref("seat")}}},
                          {"takes", Json{{"type", "array"}, {"items", ref("take")}}},
                          {"rebuttals", Json{{"type", "array"}, {"items", ref("rebuttal")}}},
                          {"consensus", ref("consensus")},
                          {"usage", ref("usage")},
                          {"methodology", string_type()}});

    // Instruction-like sentences of the article (guard/injection.hpp), written on every card
    // (an empty list when there are none), so required like every top-level name the card writes.
    defs["injection"] = object_of({{"text", string_type()}, {"echoed_by", ref("strings")}});
    top["properties"]["injections"] = Json{{"type", "array"}, {"items", ref("injection")}};
    top["required"].push_back("injections");

    return document("roundtable consensus card (roundtable.card/v1)",
                    "One consensus card as printed by `roundtable --format json`. More top-level "
                    "names may be added within v1; none are renamed.",
                    top, std::move(defs));
}

} // namespace

std::string card_json_schema() {
    std::string out = build_schema().dump(2);
    out += '\n';
    return out;
}

} // namespace roundtable::render
