// Fuzz target: a provider's HTTP response body through every codec's parser
// (Anthropic, OpenAI, xAI, OpenAI-compatible, Gemini) as a success and as an
// error status, its retry classification and the model look-up reader; a
// parsed reply then goes through the guard as the pipeline sends it.
// Properties: nothing crashes; a failure's type, message and description are each one line.
#include <array>
#include <cstddef>
#include <cstdint>
#include <fuzz_support.hpp>
#include <memory>
#include <roundtable/guard/validate.hpp>
#include <roundtable/http/client.hpp>
#include <roundtable/providers/codec.hpp>
#include <string>

using namespace roundtable;

namespace {

struct Codecs {
    std::array<std::unique_ptr<providers::Codec>, 5> codecs{
        providers::make_anthropic_codec(), providers::make_openai_codec(),
        providers::make_xai_codec(), providers::make_openai_compatible_codec(),
        providers::make_gemini_codec()};
    providers::Request request;
    providers::SeatConfig seat;

    Codecs() {
        request.system = "You are an analyst.";
        request.user = "Read the article.";
        request.schema_name = "take";
        request.max_tokens = 16000;
        seat.name = "seat";
        seat.model = "model";
        seat.api_key_env = "KEY";
    }
};

} // namespace

int fuzz::run_codec(const std::uint8_t* data, std::size_t size) {
    static Codecs fixture;
    constexpr std::array<int, 8> k_error_statuses{400, 401, 404, 408, 429, 500, 503, 529};
    http::Response response;
    response.body.assign(reinterpret_cast<const char*>(data), size);
    for (const auto& codec : fixture.codecs) {
        fixture.seat.provider = std::string(codec->kind());
        for (const int status : {200, k_error_statuses[size % k_error_statuses.size()]}) {
            response.status = status;
            const auto reply = codec->parse(response, fixture.request, fixture.seat);
            if (reply) {
                (void)guard::validate_reply(guard::Round::take, reply->text);
            } else {
                // Each field from outside is put on one line where it is read, not only when
                // describe() joins them.
                const providers::Failure& failure = reply.error();
                fuzz::require(fuzz::is_one_line(failure.type) &&
                                  fuzz::is_one_line(failure.message) &&
                                  fuzz::is_one_line(failure.describe()),
                              "failure is one line");
            }
            (void)codec->classify(response);
            (void)codec->parse_model_lookup(response, fixture.seat);
        }
    }
    return 0;
}

#ifndef RT_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_codec(data, size);
}
#endif
