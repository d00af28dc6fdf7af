#include <cstdlib>
#include <dlfcn.h>
#include <fmt/format.h>
#include <iterator>
#include <roundtable/http/curl_api.hpp>
#include <vector>

namespace roundtable::http {

namespace {

// The soname of libcurl's current ABI (version 4 since 2006); Debian's
// libcurl4 (OpenSSL) and libcurl3-gnutls both provide a library of this ABI.
constexpr const char* k_library_names[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};

template <typename Fn>
bool resolve(void* library, const char* name, Fn*& slot, std::string& error) {
    void* symbol = dlsym(library, name);
    if (symbol == nullptr) {
        error = fmt::format("cannot use libcurl: symbol {} is missing", name);
        return false;
    }
    slot = reinterpret_cast<Fn*>(symbol);
    return true;
}

std::expected<const CurlApi*, std::string> load() {
    std::vector<const char*> names(std::begin(k_library_names), std::end(k_library_names));
    if (const char* chosen = std::getenv("ROUNDTABLE_LIBCURL"); chosen != nullptr && *chosen) {
        names = {chosen};
    }
    void* library = nullptr;
    std::string load_error;
    for (const char* name : names) {
        library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (library != nullptr) {
            break;
        }
        const char* why = dlerror();
        if (load_error.empty()) {
            load_error = why != nullptr ? why : name;
        }
    }
    if (library == nullptr) {
        return std::unexpected(fmt::format(
            "cannot load libcurl ({}); install the libcurl4 package to use providers or URLs",
            load_error));
    }
    // Kept loaded for the life of the process: handles may outlive any owner.
    static CurlApi api{};
    std::string error;
    const bool ok = resolve(library, "curl_global_init", api.global_init, error) &&
                    resolve(library, "curl_easy_strerror", api.easy_strerror, error) &&
                    resolve(library, "curl_easy_init", api.easy_init, error) &&
                    resolve(library, "curl_easy_cleanup", api.easy_cleanup, error) &&
                    resolve(library, "curl_easy_reset", api.easy_reset, error) &&
                    resolve(library, "curl_easy_setopt", api.easy_setopt, error) &&
                    resolve(library, "curl_easy_getinfo", api.easy_getinfo, error) &&
                    resolve(library, "curl_multi_init", api.multi_init, error) &&
                    resolve(library, "curl_multi_cleanup", api.multi_cleanup, error) &&
                    resolve(library, "curl_multi_add_handle", api.multi_add_handle, error) &&
                    resolve(library, "curl_multi_remove_handle", api.multi_remove_handle, error) &&
                    resolve(library, "curl_multi_perform", api.multi_perform, error) &&
                    resolve(library, "curl_multi_poll", api.multi_poll, error) &&
                    resolve(library, "curl_multi_info_read", api.multi_info_read, error) &&
                    resolve(library, "curl_share_init", api.share_init, error) &&
                    resolve(library, "curl_share_cleanup", api.share_cleanup, error) &&
                    resolve(library, "curl_share_setopt", api.share_setopt, error) &&
                    resolve(library, "curl_slist_append", api.slist_append, error) &&
                    resolve(library, "curl_slist_free_all", api.slist_free_all, error);
    if (!ok) {
        return std::unexpected(error);
    }
    const CURLcode init = api.global_init(CURL_GLOBAL_DEFAULT);
    if (init != CURLE_OK) {
        return std::unexpected(
            fmt::format("cannot initialise libcurl: {}", api.easy_strerror(init)));
    }
    return &api;
}

} // namespace

std::expected<const CurlApi*, std::string> curl_api() {
    // A function-local static: initialised once, thread-safe (C++11 magic statics).
    static const std::expected<const CurlApi*, std::string> loaded = load();
    return loaded;
}

} // namespace roundtable::http
