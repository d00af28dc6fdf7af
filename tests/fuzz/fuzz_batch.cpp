// Fuzz target: a provider batch job as it comes back (jobs/client.hpp, jobs/wire.hpp). The
// input, after two control bytes (the protocol; the size of the pieces the body arrives in),
// is served as every response of a Client whose transport hands a streamed body over in
// pieces: a job status (poll), then the results (OpenAI's and Anthropic's files split into
// lines as they arrive, Gemini's inline responses parsed one at a time out of the operation),
// and each line through read_result and the seat's codec.
// Properties: nothing crashes or throws; a job's state and a line handed over hold no newline; a
// failure's type, message and description are each one line.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <fuzz_support.hpp>
#include <memory>
#include <roundtable/http/client.hpp>
#include <roundtable/jobs/client.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/providers/codec.hpp>
#include <string>
#include <string_view>

using namespace roundtable;

namespace {

// Answers every request with 200 and the fuzzed body, in pieces of `piece` bytes when the
// request reads its body in pieces.
class Canned final : public http::Transport {
public:
    std::string_view body;
    std::size_t piece = 1;

    std::expected<http::Response, http::TransportError>
    perform(const http::Request& request) override {
        http::Response response;
        response.status = 200;
        if (!request.on_body) {
            response.body = std::string(body);
            return response;
        }
        for (std::size_t at = 0; at < body.size(); at += piece) {
            if (!request.on_body(body.substr(at, piece))) {
                http::TransportError error;
                error.message = "stopped";
                return std::unexpected(error);
            }
        }
        return response;
    }
};

} // namespace

int fuzz::run_batch(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    constexpr std::array<jobs::Protocol, 3> k_protocols{
        jobs::Protocol::openai_files, jobs::Protocol::anthropic_messages, jobs::Protocol::gemini};
    constexpr std::array<const char*, 3> k_providers{"openai", "anthropic", "gemini"};
    const std::size_t which = data[0] % k_protocols.size();
    const jobs::Protocol protocol = k_protocols[which];
    const auto codec = providers::make_codec(k_providers[which]);
    fuzz::require(codec != nullptr, "the provider has a codec");
    providers::SeatConfig seat;
    seat.name = "seat";
    seat.provider = k_providers[which];
    seat.model = "model";
    seat.base_url = "http://127.0.0.1:9";
    providers::Request request;
    request.schema_name = "take";
    request.max_tokens = 16000;

    Canned transport;
    transport.body = std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2);
    transport.piece = std::max<std::size_t>(1, data[1]);
    const jobs::Client client(protocol, *codec, seat, "", transport);

    if (const auto polled = client.poll("batch_1")) {
        fuzz::require(fuzz::is_one_line(polled->state), "a job's state is one line");
    }
    jobs::JobStatus status;
    status.id = "batches/1";
    status.ended = true;
    status.results = protocol == jobs::Protocol::gemini ? "" : "file-1";
    (void)client.results(status, [&](std::string_view line) {
        fuzz::require(line.find('\n') == std::string_view::npos, "a result line is whole");
        const auto read = jobs::read_result(protocol, line);
        if (!read) {
            return;
        }
        const auto outcome = jobs::outcome(*codec, *read, request, seat);
        if (!outcome) {
            const providers::Failure& failure = outcome.error();
            fuzz::require(fuzz::is_one_line(failure.type) && fuzz::is_one_line(failure.message) &&
                              fuzz::is_one_line(failure.describe()),
                          "a failure is one line");
        }
    });
    return 0;
}

#ifndef RT_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_batch(data, size);
}
#endif
