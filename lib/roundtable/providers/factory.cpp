// make_provider(): the offline analysts, or an HttpProvider with the seat's
// codec, its key from the environment and the one process-wide transport.
#include <cstdlib>
#include <fmt/format.h>
#include <roundtable/http/clock.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <roundtable/http/retry.hpp>
#include <roundtable/providers/codec.hpp>
#include <roundtable/providers/defaults.hpp>
#include <roundtable/providers/factory.hpp>
#include <roundtable/providers/http_provider.hpp>
#include <roundtable/providers/offline.hpp>
#include <roundtable/util/error.hpp>
#include <stdexcept>

namespace roundtable::providers {

namespace {

std::string env_value(std::string_view name) {
    if (name.empty()) {
        return {};
    }
    const char* value = std::getenv(std::string(name).c_str());
    return value == nullptr ? std::string() : std::string(value);
}

// One transport for the whole process, so connections are reused across seats and rounds.
std::shared_ptr<http::Transport> shared_transport() {
    // Idle connections kept for reuse: enough for batch mode's in-flight limits (8 per provider).
    static const std::shared_ptr<http::Transport> transport =
        http::make_curl_transport({.max_connections = 64});
    return transport;
}

} // namespace

std::unique_ptr<Provider> make_provider(const SeatConfig& seat) {
    if (seat.provider == "offline") {
        return make_offline_provider(seat);
    }
    auto codec = make_codec(seat.provider);
    if (!codec) {
        throw Error(
            Exit::config,
            fmt::format("seat '{}': unknown provider '{}' (expected anthropic, openai, gemini, "
                        "xai, openai-compatible or offline)",
                        seat.name, seat.provider));
    }
    SeatConfig resolved = seat;
    const bool key_optional = seat.provider == "openai-compatible";
    if (key_optional && resolved.base_url.empty()) {
        throw Error(
            Exit::config,
            fmt::format(
                "seat '{}': provider openai-compatible needs base_url (the server's address, "
                "e.g. http://localhost:11434/v1 for Ollama)",
                seat.name));
    }
    if (resolved.api_key_env.empty()) {
        resolved.api_key_env = std::string(default_key_env(seat.provider));
    }
    std::string key = env_value(resolved.api_key_env);
    if (key.empty()) {
        if (const auto fallback = fallback_key_env(resolved.api_key_env); !fallback.empty()) {
            key = env_value(fallback);
            if (!key.empty()) {
                resolved.api_key_env = std::string(fallback);
            }
        }
    }
    if (key.empty() && !key_optional) {
        const auto fallback = fallback_key_env(resolved.api_key_env);
        throw Error(
            Exit::config,
            fmt::format("seat '{}' needs {}{}: set it in the environment", seat.name,
                        resolved.api_key_env,
                        fallback.empty() ? std::string() : fmt::format(" (or {})", fallback)));
    }
    http::RetryPolicy policy;
    policy.max_retries = std::max(seat.retries, 0);
    std::shared_ptr<http::Transport> transport;
    try {
        transport = shared_transport();
    } catch (const std::runtime_error& e) { // libcurl could not be loaded
        throw Error(Exit::config, fmt::format("seat '{}': {}", seat.name, e.what()));
    }
    return std::make_unique<HttpProvider>(std::move(codec), std::move(resolved), std::move(key),
                                          std::move(transport), http::system_clock(), policy);
}

} // namespace roundtable::providers
