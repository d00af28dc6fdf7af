#include <roundtable/providers/defaults.hpp>

namespace roundtable::providers {

std::string_view default_base_url(std::string_view provider) {
    if (provider == "anthropic") {
        return "https://api.anthropic.com";
    }
    if (provider == "openai") {
        return "https://api.openai.com/v1";
    }
    if (provider == "xai") {
        return "https://api.x.ai/v1";
    }
    if (provider == "gemini") {
        return "https://generativelanguage.googleapis.com";
    }
    return "";
}

std::string_view default_key_env(std::string_view provider) {
    if (provider == "anthropic") {
        return "ANTHROPIC_API_KEY";
    }
    if (provider == "openai") {
        return "OPENAI_API_KEY";
    }
    if (provider == "xai") {
        return "XAI_API_KEY";
    }
    if (provider == "gemini") {
        return "GEMINI_API_KEY";
    }
    return "";
}

std::string_view fallback_key_env(std::string_view key_env) {
    return key_env == "GEMINI_API_KEY" ? std::string_view("GOOGLE_API_KEY") : std::string_view();
}

std::string_view base_url_or_default(std::string_view provider, std::string_view base_url) {
    return base_url.empty() ? default_base_url(provider) : base_url;
}

} // namespace roundtable::providers
