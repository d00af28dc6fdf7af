// A four-seat panel of fake providers (anthropic, openai, gemini, xai) on the
// loopback fake server: each protocol's path answers every round with a valid
// object in its own wire format, and config() gives the TOML that points the
// seats at it. Used by end-to-end tests and benchmarks.
#pragma once

#include <chrono>
#include <fake/fake_server.hpp>
#include <map>
#include <string>

namespace roundtable::testing {

enum class RoundKind { take, rebuttal, consensus };

// Returns the round a request body belongs to, from the task text of the prompt.
RoundKind round_of(const std::string& body);

// Returns the JSON object a seat with `stance` answers in `round`; every figure is
// from examples/bearish-truck-recall.txt.
std::string object_for(RoundKind round, const std::string& stance, const std::string& target);

class FakePanel {
public:
    // Starts the server with handlers for the four protocols; every reply waits `latency`.
    explicit FakePanel(std::chrono::milliseconds latency = std::chrono::milliseconds(0));

    // Returns the config.toml that seats claude, gpt, gemini and grok on this server.
    std::string config() const;

    FakeServer server;
    std::map<std::string, std::string> stance{
        {"claude", "bearish"}, {"gpt", "bearish"}, {"gemini", "bearish"}, {"grok", "bullish"}};

private:
    std::chrono::milliseconds m_latency;
};

} // namespace roundtable::testing
