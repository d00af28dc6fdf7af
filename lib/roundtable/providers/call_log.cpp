#include <algorithm>
#include <fmt/format.h>
#include <mutex>
#include <roundtable/providers/call_log.hpp>
#include <roundtable/util/text.hpp>

namespace roundtable::providers {

namespace {

struct SinkState {
    std::mutex mutex;
    std::shared_ptr<const CallSink> sink;
    bool with_bodies = false;
};

SinkState& state() {
    static SinkState s;
    return s;
}

std::string indented(std::string_view prefix, std::string_view text) {
    std::string out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        out += fmt::format("\n  {} {}", prefix, text.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

} // namespace

void set_call_sink(CallSink sink, bool with_bodies) {
    SinkState& s = state();
    std::lock_guard lock(s.mutex);
    s.sink = sink ? std::make_shared<const CallSink>(std::move(sink)) : nullptr;
    s.with_bodies = with_bodies;
}

std::shared_ptr<const CallSink> call_sink(bool* with_bodies) {
    SinkState& s = state();
    std::lock_guard lock(s.mutex);
    if (with_bodies != nullptr) {
        *with_bodies = s.with_bodies;
    }
    return s.sink;
}

std::string truncate_body(std::string_view body, std::size_t limit) {
    if (body.size() <= limit) {
        return std::string(body);
    }
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) {
        --cut; // do not split a UTF-8 sequence
    }
    return fmt::format("{}… ({} more bytes)", body.substr(0, cut), body.size() - cut);
}

std::string describe_call(const HttpCall& call) {
    std::string line =
        fmt::format("http {} {} {} {} attempt {} {:.2f} s", call.seat, call.method, call.host_path,
                    call.status != 0 ? std::to_string(call.status)
                                     : fmt::format("no response ({})", call.error),
                    call.attempt, static_cast<double>(call.latency.count()) / 1000.0);
    if (call.usage) {
        line += fmt::format(" tokens {}/{}", call.usage->input_tokens, call.usage->output_tokens);
    }
    if (!call.request_id.empty()) {
        line += fmt::format(" request {}", util::one_line(call.request_id));
    }
    if (!call.request_body.empty()) {
        line += indented(">", call.request_body);
    }
    if (!call.response_body.empty()) {
        // A body that is not JSON (an HTML error page, say) may hold raw escape sequences.
        line += indented("<", util::drop_controls(call.response_body));
    }
    return line;
}

} // namespace roundtable::providers
