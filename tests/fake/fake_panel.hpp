// A four-seat panel of fake providers (anthropic, openai, gemini, xai) on the
// loopback fake server: each protocol's path answers every round with a valid
// object in its own wire format, and config() gives the TOML that points the
// seats at it. Used by end-to-end tests and benchmarks.
//
// In the plain mode every reply is a fixed shape of 2025 (a forced tool reply for
// Anthropic, no reasoning). In the reasoning mode the server answers as today's
// reasoning models do (fake_models.hpp): it refuses what they refuse, thinks out
// of the output budget, cuts a reply whose budget ran out, and keeps a bill.
#pragma once

#include <atomic>
#include <chrono>
#include <fake/fake_models.hpp>
#include <fake/fake_server.hpp>
#include <map>
#include <memory>
#include <string>

namespace roundtable::testing {

enum class RoundKind { take, rebuttal, consensus };

// Returns the round a request body belongs to, from the task text of the prompt.
RoundKind round_of(const std::string& body);

// Returns the JSON object a seat with `stance` answers in `round`; every figure is
// from examples/bearish-truck-recall.txt.
std::string object_for(RoundKind round, const std::string& stance, const std::string& target);

enum class FakeMode { plain, reasoning };

class FakePanel {
public:
    // Starts the server with handlers for the four protocols; every reply waits `latency`.
    explicit FakePanel(std::chrono::milliseconds latency = std::chrono::milliseconds(0),
                       FakeMode mode = FakeMode::plain);

    // Returns the config.toml that seats claude, gpt, gemini and grok on this server, with the
    // models of the plain mode (claude-sonnet-4-6, gpt-5, gemini-2.5-pro, grok-4).
    std::string config() const;

    // Returns the config.toml that seats the four on this server with `models` (seat -> model
    // id; a seat left out gets no model line, so the catalogue's default applies); never fails.
    std::string config_with(const std::map<std::string, std::string>& models) const;

    FakeServer server;
    // The reasoning mode's replies and bill; null in the plain mode.
    std::unique_ptr<FakeProviders> providers;
    std::map<std::string, std::string> stance{
        {"claude", "bearish"}, {"gpt", "bearish"}, {"gemini", "bearish"}, {"grok", "bullish"}};
    // What grok's replies say they cost (xAI's usage.cost_in_usd_ticks, 1e-10 USD) in the plain
    // mode; -1: they say nothing, as before xAI's cost tracking.
    std::atomic<std::int64_t> xai_cost_ticks{-1};

private:
    std::chrono::milliseconds m_latency;
};

} // namespace roundtable::testing
