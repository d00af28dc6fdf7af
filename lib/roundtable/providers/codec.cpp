// Picks the codec for a provider name.
#include <roundtable/providers/codec.hpp>

namespace roundtable::providers {

std::unique_ptr<Codec> make_codec(std::string_view provider) {
    if (provider == "anthropic") {
        return make_anthropic_codec();
    }
    if (provider == "openai") {
        return make_openai_codec();
    }
    if (provider == "xai") {
        return make_xai_codec();
    }
    if (provider == "gemini") {
        return make_gemini_codec();
    }
    if (provider == "openai-compatible") {
        return make_openai_compatible_codec();
    }
    return nullptr;
}

} // namespace roundtable::providers
