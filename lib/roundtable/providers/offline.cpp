#include <chrono>
#include <fmt/format.h>
#include <roundtable/providers/offline.hpp>
#include <roundtable/util/error.hpp>

namespace roundtable::providers {

namespace {

Failure bad_prompt(std::string message) {
    Failure f;
    f.provider = "offline";
    f.type = "bad_prompt";
    f.message = std::move(message);
    return f;
}

} // namespace

OfflineProvider::OfflineProvider(std::string seat_name, Lens lens)
    : m_seat_name(std::move(seat_name)), m_lens(lens),
      m_model(fmt::format("offline-{}", offline::lens_name(lens))) {}

std::expected<Reply, Failure> OfflineProvider::complete(const Request& request) {
    auto start = std::chrono::steady_clock::now();
    try {
        auto text = offline::answer(m_lens, request.round, request.user);
        if (!text) {
            return std::unexpected(bad_prompt(text.error()));
        }
        Reply out;
        out.text = std::move(*text);
        out.model = m_model;
        out.finish_reason = "stop";
        out.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        return out;
    } catch (const std::exception& e) {
        Failure f = bad_prompt(e.what());
        f.type = "internal";
        return std::unexpected(f);
    }
}

std::string OfflineProvider::describe_request(const Request& request) const {
    return fmt::format("offline analyst {} (lens {}, round {}): extractive, no network; system {} "
                       "bytes, user {} bytes",
                       m_seat_name, offline::lens_name(m_lens), guard::round_name(request.round),
                       request.system.size(), request.user.size());
}

std::unique_ptr<Provider> make_offline_provider(const SeatConfig& seat) {
    if (auto lens = offline::parse_lens(seat.model)) {
        return std::make_unique<OfflineProvider>(seat.name, *lens);
    }
    throw Error(
        Exit::config,
        fmt::format("seat {}: unknown offline lens \"{}\" (expected bull, bear, skeptic or quant)",
                    seat.name, seat.model));
}

} // namespace roundtable::providers
