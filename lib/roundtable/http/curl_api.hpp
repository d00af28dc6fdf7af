// libcurl, loaded on first use. roundtable links no network library: the
// offline panel, --version and every command that makes no HTTP call start
// without mapping libcurl and the thirty-odd libraries it pulls in (TLS,
// Kerberos, LDAP, SSH, ...), which took three quarters of the start-up time.
// The first HTTP transport dlopen()s libcurl.so.4 (or the library named by
// ROUNDTABLE_LIBCURL, e.g. a libcurl built with HTTP/3) and resolves the few
// entry points the transport uses into this table.
//
// Include only from .cpp files that talk to libcurl (it includes curl.h).
// Thread-safe: curl_api() loads once; the table is immutable afterwards.
#pragma once

#include <curl/curl.h>
#include <expected>
#include <string>

namespace roundtable::http {

// The libcurl functions the transport calls, resolved from the shared library.
struct CurlApi {
    CURLcode (*global_init)(long flags);
    const char* (*easy_strerror)(CURLcode code);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL* easy);
    void (*easy_reset)(CURL* easy);
    CURLcode (*easy_setopt)(CURL* easy, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL* easy, CURLINFO info, ...);
    CURLM* (*multi_init)();
    CURLMcode (*multi_cleanup)(CURLM* multi);
    CURLMcode (*multi_add_handle)(CURLM* multi, CURL* easy);
    CURLMcode (*multi_remove_handle)(CURLM* multi, CURL* easy);
    CURLMcode (*multi_perform)(CURLM* multi, int* running);
    CURLMcode (*multi_poll)(CURLM* multi, curl_waitfd* extra, unsigned int count, int timeout_ms,
                            int* ready);
    CURLMsg* (*multi_info_read)(CURLM* multi, int* left);
    CURLSH* (*share_init)();
    CURLSHcode (*share_cleanup)(CURLSH* share);
    CURLSHcode (*share_setopt)(CURLSH* share, CURLSHoption option, ...);
    curl_slist* (*slist_append)(curl_slist* list, const char* text);
    void (*slist_free_all)(curl_slist* list);
};

// Returns libcurl's entry points, loading the library and calling
// curl_global_init on the first call; returns a one-line error naming the
// library or symbol if it cannot be loaded or initialised (the same error on
// every later call).
std::expected<const CurlApi*, std::string> curl_api();

} // namespace roundtable::http
