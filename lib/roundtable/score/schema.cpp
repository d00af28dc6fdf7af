#include <roundtable/render/schema_parts.hpp>
#include <roundtable/score/render.hpp>

namespace roundtable::score {

namespace {

using namespace render::schema;

Json build_schema() {
    Json defs = Json::object();
    defs["share"] = Json{{"type", Json::array({"number", "null"})},
                         {"minimum", 0},
                         {"maximum", 1},
                         {"description", "a share 0-1 rounded to 4 decimals; null when n is 0"}};
    defs["interval"] = described(
        Json{{"oneOf",
              Json::array({Json{{"type", "array"},
                                {"items", Json{{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
                                {"minItems", 2},
                                {"maxItems", 2}},
                           Json{{"type", "null"}}})}},
        "95% Wilson interval [low, high]; null when n is 0");
    defs["brier"] =
        described(Json{{"type", Json::array({"number", "null"})}, {"minimum", 0}, {"maximum", 2}},
                  "mean Brier score (0 best, 2 worst); null when n is 0");
    defs["ids"] = array_of(Json{{"type", "string"}});

    defs["bin"] = object_of({{"low", Json{{"type", "number"}}},
                             {"high", Json{{"type", "number"}}},
                             {"n", count_type()},
                             {"mean_confidence", ref("share")},
                             {"accuracy", ref("share")}});

    defs["seat"] = object_of(
        {{"seat", Json{{"type", "string"}}},
         {"model", Json{{"type", "string"}}},
         {"n", described(count_type(), "final stances scored")},
         {"accuracy_round1", ref("share")},
         {"accuracy_final", ref("share")},
         {"accuracy_final_ci", ref("interval")},
         {"brier", ref("brier")},
         {"calibration",
          Json{{"type", "array"}, {"items", ref("bin")}, {"minItems", 10}, {"maxItems", 10}}},
         {"n_round1", described(count_type(), "round-1 stances scored")},
         {"accuracy_round1_ci", ref("interval")}});

    defs["level"] =
        object_of({{"votes", Json{{"type", "string"}, {"pattern", "^[0-9]+(-[0-9]+)+$"}}},
                   {"n", described(count_type(), "final votes of this level that were not split")},
                   {"accuracy", ref("share")},
                   {"abstained", count_type()}});

    Json articles = object_of({{"cards", count_type()},
                               {"scored", count_type()},
                               {"no_outcome", count_type()},
                               {"no_card", count_type()},
                               {"duplicates", count_type()},
                               {"failed", count_type()}});
    articles["properties"]["no_outcome_ids"] = ref("ids");
    articles["properties"]["no_card_ids"] = ref("ids");
    articles["properties"]["duplicate_ids"] = ref("ids");
    defs["articles"] = articles;

    defs["panel"] =
        object_of({{"n", described(count_type(), "scored articles")},
                   {"abstained", described(count_type(), "split final votes, not scored")},
                   {"accuracy_round1_vote", ref("share")},
                   {"accuracy_final_vote", ref("share")},
                   {"by_agreement", array_of(ref("level"))},
                   {"shifts", object_of({{"n", count_type()},
                                         {"toward_outcome", count_type()},
                                         {"away_from_outcome", count_type()}})},
                   {"abstained_round1", described(count_type(), "split round-1 votes, not scored")},
                   {"accuracy_round1_vote_ci", ref("interval")},
                   {"accuracy_final_vote_ci", ref("interval")},
                   {"brier", described(ref("brier"), "every seat's final stance, pooled")}});

    Json top = object_of(
        {{"schema", Json{{"const", std::string(k_score_schema)}}},
         {"articles", ref("articles")},
         {"band", Json{{"type", "number"}, {"minimum", 0}}},
         {"baseline",
          object_of(
              {{"label", Json{{"enum", Json::array({"bearish", "neutral", "bullish", nullptr})}}},
               {"n", count_type()},
               {"accuracy", ref("share")}})},
         {"seats", array_of(ref("seat"))},
         {"panel", ref("panel")}});

    return document(
        "roundtable score (roundtable.score/v1)",
        "Seats and panel scored against outcomes, as printed by `roundtable score --format "
        "json`. Figures are plain numbers rounded to 4 decimals. More names may be added "
        "within v1; none are renamed.",
        top, std::move(defs));
}

} // namespace

std::string score_json_schema() {
    return build_schema().dump(2) + "\n";
}

} // namespace roundtable::score
