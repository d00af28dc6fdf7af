// Faults for the fake provider server, drawn from a fixed seed: installed as
// the server's filter, it turns about a given share of the successful replies
// into one of the failures a real provider shows under load, in that
// provider's own wire format (Anthropic Messages, OpenAI-style chat
// completions, Gemini generateContent, told apart by the request's path):
// a 429 with a Retry-After of 0 or 1 s, a 500, a 503, a connection dropped
// mid-body, a body cut short that arrives complete, model text that is not
// JSON, a body that trickles in, and (a quarter as often) a model reply over
// the 1 MiB reply cap.
//
// Each decision comes from a std::mt19937 seeded with the fixed seed, the
// request (path and body) and how many times that request came before, so
// which request is faulted does not depend on thread timing, and a retry of a
// faulted request draws afresh. Used by the fault soak (tests/soak).
//
// Thread-safe: apply() may run on every server thread at once.
#pragma once

#include <array>
#include <cstdint>
#include <fake/fake_server.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <string_view>
#include <unordered_map>

namespace roundtable::testing {

enum class FaultKind {
    rate_limited, // 429 with retry-after 0 or 1 (seconds)
    server_error, // 500
    unavailable,  // 503
    dropped,      // the connection closes mid-body
    truncated,    // 200 with half the body, complete as far as HTTP knows
    invalid_json, // the model's text is not JSON (prose, cut, or unquoted)
    slow_drip,    // the whole reply, in 8 pieces 30 ms apart
    oversized,    // the model's text is over guard::k_max_reply_bytes
};

inline constexpr std::array k_fault_kinds{
    FaultKind::rate_limited, FaultKind::server_error, FaultKind::unavailable, FaultKind::dropped,
    FaultKind::truncated,    FaultKind::invalid_json, FaultKind::slow_drip,   FaultKind::oversized};

// Returns the kind's name, e.g. "rate_limited"; never fails.
std::string_view fault_name(FaultKind kind);

class FaultInjector {
public:
    // Hears each fault as it is injected (on the server thread that serves it).
    using Observer = std::function<void(const RecordedRequest&, FaultKind)>;

    // Faults about `rate` (0 to 1) of the 2xx replies, every kind as often but oversized (a
    // quarter as often: each one is a MiB to build, send and parse); never fails.
    FaultInjector(std::uint32_t seed, double rate, Observer observer = {});

    // Returns `reply`, the server's answer to `request`, as it is or (for a 2xx reply drawn to
    // fail) as a fault; never fails.
    Scripted apply(const RecordedRequest& request, Scripted reply);

    // Makes `server` pass every reply through apply(); this injector must outlive the server's
    // serving. Never fails.
    void install(FakeServer& server);

    // Returns how many faults of each kind were injected (every kind present); never fails.
    std::map<FaultKind, int> counts() const;

    // Returns how many 2xx replies were considered (faulted or not); never fails.
    int considered() const;

private:
    std::uint32_t m_seed;
    double m_rate;
    Observer m_observer;
    mutable std::mutex m_mutex;
    std::unordered_map<std::uint64_t, std::uint32_t> m_seen; // request hash -> times seen
    std::map<FaultKind, int> m_counts;
    int m_considered = 0;
};

} // namespace roundtable::testing
