// Small builders shared by the provider codec tests: a seat, a request, a
// response, a header lookup on a built request, and a recorded real reply
// (tests/data/recorded). Header-only.
#pragma once

#include <fstream>
#include <roundtable/http/client.hpp>
#include <roundtable/providers/provider.hpp>
#include <roundtable/providers/seat_config.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace roundtable::testing {

// Returns the bytes of tests/data/recorded/`name` (SOURCES.md there says where each was
// recorded); throws std::runtime_error when it cannot be read.
inline std::string recorded_reply(const std::string& name) {
    std::ifstream in(std::string(RT_SOURCE_DIR) + "/tests/data/recorded/" + name, std::ios::binary);
    if (!in.good()) {
        throw std::runtime_error("no recorded reply " + name);
    }
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Returns a seat named `name` of `provider` with `model`, keyed by `key_env`.
inline providers::SeatConfig codec_seat(std::string name, std::string provider, std::string model,
                                        std::string key_env) {
    providers::SeatConfig s;
    s.name = std::move(name);
    s.provider = std::move(provider);
    s.model = std::move(model);
    s.api_key_env = std::move(key_env);
    return s;
}

// Returns a request with the analyst system text and the given user text, schema and max_tokens.
inline providers::Request codec_request(std::string user, std::string schema_name,
                                        std::string json_schema, int max_tokens) {
    providers::Request r;
    r.system = "You are an analyst.";
    r.user = std::move(user);
    r.schema_name = std::move(schema_name);
    r.json_schema = std::move(json_schema);
    r.max_tokens = max_tokens;
    return r;
}

// Returns the value of the header named exactly `name` in `request`, or "<absent>".
inline std::string header(const http::Request& request, std::string_view name) {
    for (const auto& [key, value] : request.headers) {
        if (key == name) {
            return value;
        }
    }
    return "<absent>";
}

// Returns an HTTP response with `status`, `body` and `headers`.
inline http::Response response(int status, std::string body, http::Headers headers = {}) {
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

} // namespace roundtable::testing
