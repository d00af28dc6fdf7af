// What one job of a provider's batch API may hold and how often to poll it, from
// data/batch.toml (embedded at build time; the file names its sources).
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace roundtable::jobs {

struct Limits {
    std::size_t max_requests = 0; // requests in one job
    std::size_t max_bytes = 0;    // bytes of one job's request lines
    std::chrono::seconds poll{30};
    int window_hours = 24;
};

// Returns the limits of `provider` ("openai", "xai", "anthropic", "gemini"); a provider the
// file does not list gets the smallest limits it lists. Never fails (the embedded file is
// checked by the tests).
Limits limits_of(std::string_view provider);

} // namespace roundtable::jobs
