#include <nlohmann/json.hpp>
#include <roundtable/score/render.hpp>

namespace roundtable::score {

namespace {

using Json = nlohmann::ordered_json;

Json number(std::optional<double> x) {
    return x ? Json(round4(*x)) : Json(nullptr);
}

Json interval(std::optional<Interval> ci) {
    return ci ? Json::array({round4(ci->low), round4(ci->high)}) : Json(nullptr);
}

Json stance_or_null(std::optional<panel::Stance> s) {
    return s ? Json(std::string(panel::stance_name(*s))) : Json(nullptr);
}

} // namespace

std::string render_json(const Score& score, bool with_ids) {
    Json j;
    j["schema"] = k_score_schema;
    const ArticleCounts& a = score.articles;
    j["articles"] =
        Json{{"cards", a.cards},     {"scored", a.scored},         {"no_outcome", a.no_outcome},
             {"no_card", a.no_card}, {"duplicates", a.duplicates}, {"failed", a.failed}};
    if (with_ids) {
        j["articles"]["no_outcome_ids"] = a.no_outcome_ids;
        j["articles"]["no_card_ids"] = a.no_card_ids;
        j["articles"]["duplicate_ids"] = a.duplicate_ids;
    }
    j["band"] = score.band;
    j["baseline"] = Json{{"label", stance_or_null(score.baseline.label)},
                         {"n", score.baseline.accuracy.n},
                         {"accuracy", number(score.baseline.accuracy.value())}};

    Json seats = Json::array();
    for (const auto& s : score.seats) {
        Json calibration = Json::array();
        for (const auto& bin : s.calibration) {
            calibration.push_back(Json{{"low", round4(bin.low)},
                                       {"high", round4(bin.high)},
                                       {"n", bin.n},
                                       {"mean_confidence", number(bin.mean_confidence())},
                                       {"accuracy", number(bin.accuracy())}});
        }
        seats.push_back(Json{{"seat", s.seat},
                             {"model", s.model},
                             {"n", s.final.n},
                             {"accuracy_round1", number(s.round1.value())},
                             {"accuracy_final", number(s.final.value())},
                             {"accuracy_final_ci", interval(s.final.ci())},
                             {"brier", number(s.brier())},
                             {"calibration", calibration},
                             {"n_round1", s.round1.n},
                             {"accuracy_round1_ci", interval(s.round1.ci())}});
    }
    j["seats"] = seats;

    const PanelScore& p = score.panel;
    Json levels = Json::array();
    for (const auto& level : p.by_agreement) {
        levels.push_back(Json{{"votes", level.votes},
                              {"n", level.accuracy.n},
                              {"accuracy", number(level.accuracy.value())},
                              {"abstained", level.abstained}});
    }
    j["panel"] = Json{{"n", p.n},
                      {"abstained", p.abstained},
                      {"accuracy_round1_vote", number(p.round1_vote.value())},
                      {"accuracy_final_vote", number(p.final_vote.value())},
                      {"by_agreement", levels},
                      {"shifts", Json{{"n", p.shifts},
                                      {"toward_outcome", p.toward_outcome},
                                      {"away_from_outcome", p.away_from_outcome}}},
                      {"abstained_round1", p.abstained_round1},
                      {"accuracy_round1_vote_ci", interval(p.round1_vote.ci())},
                      {"accuracy_final_vote_ci", interval(p.final_vote.ci())},
                      {"brier", number(p.brier())}};
    return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

} // namespace roundtable::score
