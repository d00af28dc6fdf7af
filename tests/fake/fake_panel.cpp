#include <fake/fake_panel.hpp>
#include <fake/replies.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace roundtable::testing {

using nlohmann::json;

namespace {

Scripted with_latency(Scripted reply, std::chrono::milliseconds latency) {
    reply.latency = latency;
    return reply;
}

} // namespace

RoundKind round_of(const std::string& body) {
    if (body.find("Task: you chair the panel") != std::string::npos) {
        return RoundKind::consensus;
    }
    if (body.find("Task: the other panelists") != std::string::npos) {
        return RoundKind::rebuttal;
    }
    return RoundKind::take;
}

// The JSON object a seat answers with in each round; figures are from the article.
std::string object_for(RoundKind round, const std::string& stance, const std::string& target) {
    switch (round) {
    case RoundKind::take:
        return json{
            {"stance", stance},
            {"confidence", 0.8},
            {"headline", "The recall costs up to $1.5 billion"},
            {"analysis", "Quarterly revenue fell 18% to $6.4 billion and debt is $9.3 billion."},
            {"counterpoint", "The brand still has loyal buyers."},
            {"evidence", {"Shares fell 23% in early trading"}}}
            .dump();
    case RoundKind::rebuttal:
        return json{{"responds_to", {target}},
                    {"headline", "The debt matters more"},
                    {"text", "$2.1 billion of bonds mature in March 2027."},
                    {"stance_after", stance},
                    {"confidence_after", 0.75}}
            .dump();
    case RoundKind::consensus:
        return json{{"summary", "The panel is bearish: the recall and the debt weigh on Corvane."},
                    {"risk", "Cash burn could breach loan covenants."},
                    {"opportunity", "Loyal buyers may cushion the fall."}}
            .dump();
    }
    return "{}";
}

FakePanel::FakePanel(std::chrono::milliseconds latency) : m_latency(latency) {
    server.set_handler("/v1/messages", [this](const RecordedRequest& r) {
        auto round = round_of(r.body);
        std::string tool = round == RoundKind::take       ? "submit_take"
                           : round == RoundKind::rebuttal ? "submit_rebuttal"
                                                          : "submit_consensus";
        return with_latency(
            json_reply(200,
                       anthropic_tool_reply(tool, object_for(round, stance.at("claude"), "grok"),
                                            {1200, 300, 1000, 0, 0}),
                       {{"request-id", "req_fake_claude"}}),
            m_latency);
    });
    server.set_handler("/v1/chat/completions", [this](const RecordedRequest& r) {
        return with_latency(json_reply(200, openai_text_reply(object_for(round_of(r.body),
                                                                         stance.at("gpt"), "grok"),
                                                              {1000, 200, 0, 0, 50})),
                            m_latency);
    });
    server.set_handler("/xai/v1/chat/completions", [this](const RecordedRequest& r) {
        return with_latency(
            json_reply(200,
                       openai_text_reply(object_for(round_of(r.body), stance.at("grok"), "claude"),
                                         {1000, 200, 0, 0, 0}, "stop", "grok-4")),
            m_latency);
    });
    server.set_handler(
        "/v1beta/models/gemini-2.5-pro:generateContent", [this](const RecordedRequest& r) {
            return with_latency(
                json_reply(200, gemini_text_reply(
                                    object_for(round_of(r.body), stance.at("gemini"), "grok"),
                                    {1000, 200, 0, 0, 0})),
                m_latency);
        });
}

std::string FakePanel::config() const {
    std::string base = server.base_url();
    return fmt::format(R"(
[panel]
seats = ["claude", "gpt", "gemini", "grok"]
chair = "claude"

[seats.claude]
provider = "anthropic"
model = "claude-sonnet-4-6"
base_url = "{0}"
retries = 1

[seats.gpt]
provider = "openai"
model = "gpt-5"
base_url = "{0}/v1"
retries = 1

[seats.gemini]
provider = "gemini"
model = "gemini-2.5-pro"
base_url = "{0}"
retries = 1

[seats.grok]
provider = "xai"
model = "grok-4"
base_url = "{0}/xai/v1"
retries = 1
)",
                       base);
}

} // namespace roundtable::testing
