#include <array>
#include <atomic>
#include <chrono>
#include <fmt/format.h>
#include <mutex>
#include <roundtable/http/abort.hpp>
#include <roundtable/http/curl_api.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <roundtable/util/text.hpp>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace roundtable::http {

namespace {

constexpr int k_poll_slice_ms = 50;

// What one transfer collects through the callbacks.
struct TransferState {
    std::size_t max_bytes = 0;
    bool too_large = false;
    bool refused = false; // the request's on_body sink said stop
    std::size_t received = 0;
    const Request* request = nullptr;
    Response response;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* state = static_cast<TransferState*>(user);
    const std::size_t n = size * count;
    if (state->received + n > state->max_bytes) {
        state->too_large = true;
        return 0; // makes curl fail with CURLE_WRITE_ERROR
    }
    state->received += n;
    if (state->request->on_body) {
        // The sink is called only for a success: an error body is kept whole for its parse.
        const long status = state->response.status;
        if (status >= 200 && status < 300) {
            if (!state->request->on_body(std::string_view(data, n))) {
                state->refused = true;
                return 0;
            }
            return n;
        }
    }
    state->response.body.append(data, n);
    return n;
}

std::size_t on_read(char* out, std::size_t size, std::size_t count, void* user) {
    const auto* request = static_cast<const Request*>(user);
    return request->read_body(out, size * count);
}

using util::trim;

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* state = static_cast<TransferState*>(user);
    const std::size_t n = size * count;
    const std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
        state->response.headers.clear(); // a new response (after a redirect or a 100 Continue)
        // "HTTP/1.1 200 OK": the status, for a streamed body's sink (on_body).
        const auto space = line.find(' ');
        int status = 0;
        for (std::size_t i = space + 1; space != std::string_view::npos && i < line.size() &&
                                        i < space + 4 && line[i] >= '0' && line[i] <= '9';
             ++i) {
            status = status * 10 + (line[i] - '0');
        }
        state->response.status = status;
        return n;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        state->response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                             std::string(trim(line.substr(colon + 1))));
    }
    return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* state = static_cast<const TransferState*>(user);
    return state->request->abortable && abort_requested() ? 1 : 0;
}

TransportError::Kind kind_of(CURLcode code, bool too_large) {
    using Kind = TransportError::Kind;
    if (too_large) {
        return Kind::too_large;
    }
    switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return Kind::connect;
    case CURLE_OPERATION_TIMEDOUT:
        return Kind::timeout;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return Kind::dropped;
    case CURLE_ABORTED_BY_CALLBACK:
        return Kind::aborted;
    case CURLE_FILESIZE_EXCEEDED:
        return Kind::too_large;
    default:
        return Kind::other;
    }
}

std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        out.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

// Owns an easy handle and the multi handle it runs in; the multi handle keeps
// the connection cache, so a pooled pair reuses its connections.
struct Handle {
    const CurlApi& curl;
    CURL* easy = nullptr;
    CURLM* multi = nullptr;

    explicit Handle(const CurlApi& api) : curl(api) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() {
        if (multi != nullptr) {
            curl.multi_cleanup(multi);
        }
        if (easy != nullptr) {
            curl.easy_cleanup(easy);
        }
    }
};

class CurlTransportImpl final : public CurlTransport {
public:
    CurlTransportImpl(const CurlApi& api, TransportOptions options)
        : m_curl(api), m_options(std::move(options)) {
        m_share = m_curl.share_init();
        if (m_share == nullptr) {
            throw std::runtime_error("cannot initialise libcurl: no share handle");
        }
        m_curl.share_setopt(m_share, CURLSHOPT_LOCKFUNC, &CurlTransportImpl::lock);
        m_curl.share_setopt(m_share, CURLSHOPT_UNLOCKFUNC, &CurlTransportImpl::unlock);
        m_curl.share_setopt(m_share, CURLSHOPT_USERDATA, &m_locks);
        m_curl.share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        m_curl.share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }

    CurlTransportImpl(const CurlTransportImpl&) = delete;
    CurlTransportImpl& operator=(const CurlTransportImpl&) = delete;

    ~CurlTransportImpl() override {
        m_idle.clear(); // easy handles go before the share handle they use
        m_curl.share_cleanup(m_share);
    }

    std::expected<Response, TransportError> perform(const Request& request) override {
        auto handle = acquire();
        auto result = run(*handle, request);
        release(std::move(handle));
        return result;
    }

    std::size_t connections_opened() const override { return m_connections.load(); }

private:
    using Locks = std::array<std::mutex, CURL_LOCK_DATA_LAST>;

    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
        (*static_cast<Locks*>(user))[static_cast<std::size_t>(data)].lock();
    }

    static void unlock(CURL*, curl_lock_data data, void* user) {
        (*static_cast<Locks*>(user))[static_cast<std::size_t>(data)].unlock();
    }

    std::unique_ptr<Handle> acquire() {
        {
            std::lock_guard lock(m_mutex);
            if (!m_idle.empty()) {
                auto handle = std::move(m_idle.back());
                m_idle.pop_back();
                return handle;
            }
        }
        auto handle = std::make_unique<Handle>(m_curl);
        handle->easy = m_curl.easy_init();
        handle->multi = m_curl.multi_init();
        if (handle->easy == nullptr || handle->multi == nullptr) {
            throw std::runtime_error("cannot initialise libcurl: no easy or multi handle");
        }
        return handle;
    }

    void release(std::unique_ptr<Handle> handle) {
        std::lock_guard lock(m_mutex);
        if (m_idle.size() < m_options.max_connections) {
            m_idle.push_back(std::move(handle));
        }
    }

    std::expected<Response, TransportError> run(Handle& handle, const Request& request) {
        CURL* easy = handle.easy;
        m_curl.easy_reset(easy);

        TransferState state;
        state.max_bytes = request.max_response_bytes;
        state.request = &request;
        std::array<char, CURL_ERROR_SIZE> error_buffer{};

        curl_slist* header_list = nullptr;
        for (const auto& [name, value] : request.headers) {
            const auto line = value.empty() ? name + ";" : name + ": " + value;
            header_list = m_curl.slist_append(header_list, line.c_str());
        }
        header_list = m_curl.slist_append(header_list, "Expect:"); // no 100-continue round trip

        m_curl.easy_setopt(easy, CURLOPT_SHARE, m_share);
        m_curl.easy_setopt(easy, CURLOPT_URL, request.url.c_str());
        m_curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        m_curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        m_curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer.data());
        m_curl.easy_setopt(easy, CURLOPT_USERAGENT, m_options.user_agent.c_str());
        m_curl.easy_setopt(easy, CURLOPT_HTTPHEADER, header_list);
        m_curl.easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
        m_curl.easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
        m_curl.easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
        m_curl.easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
        m_curl.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                           static_cast<long>(request.connect_timeout.count()));
        m_curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
        m_curl.easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                           static_cast<curl_off_t>(request.max_response_bytes));
        m_curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
        m_curl.easy_setopt(easy, CURLOPT_WRITEDATA, &state);
        m_curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
        m_curl.easy_setopt(easy, CURLOPT_HEADERDATA, &state);
        m_curl.easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
        m_curl.easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &on_progress);
        m_curl.easy_setopt(easy, CURLOPT_XFERINFODATA, &state);
        if (request.max_redirects > 0) {
            m_curl.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
            m_curl.easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(request.max_redirects));
            m_curl.easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        } else {
            m_curl.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
        }

        if (request.method == "GET") {
            m_curl.easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        } else if (request.method == "HEAD") {
            m_curl.easy_setopt(easy, CURLOPT_NOBODY, 1L);
        } else if (request.read_body) {
            m_curl.easy_setopt(easy, CURLOPT_POST, 1L);
            m_curl.easy_setopt(easy, CURLOPT_READFUNCTION, &on_read);
            m_curl.easy_setopt(easy, CURLOPT_READDATA, &request);
            m_curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                               static_cast<curl_off_t>(request.body_size));
            if (request.method != "POST") {
                m_curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
            }
        } else {
            if (request.method == "POST" || !request.body.empty()) {
                m_curl.easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
                m_curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                                   static_cast<curl_off_t>(request.body.size()));
            }
            if (request.method != "POST") {
                m_curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
            }
        }

        const auto started = std::chrono::steady_clock::now();
        const auto [code, aborted] = drive(handle, request.abortable);
        const auto elapsed = std::chrono::steady_clock::now() - started;
        m_curl.slist_free_all(header_list);

        long connects = 0;
        m_curl.easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
        m_connections += static_cast<std::size_t>(connects > 0 ? connects : 0);

        if (aborted || code != CURLE_OK) {
            TransportError error;
            error.kind = aborted ? TransportError::Kind::aborted : kind_of(code, state.too_large);
            std::string detail = aborted ? std::string("transfer stopped on request")
                                         : std::string(error_buffer.data());
            if (detail.empty()) {
                detail = m_curl.easy_strerror(code);
            }
            if (state.refused) {
                error.kind = TransportError::Kind::other;
                detail = "the response's reader stopped the transfer";
            }
            if (error.kind == TransportError::Kind::too_large) {
                detail = fmt::format("response larger than {} bytes", request.max_response_bytes);
            }
            error.message = one_line(fmt::format("{} error: {}", error.kind_name(), detail));
            return std::unexpected(std::move(error));
        }

        long status = 0;
        m_curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        char* effective_url = nullptr;
        m_curl.easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective_url);
        state.response.status = static_cast<int>(status);
        state.response.effective_url = effective_url != nullptr ? effective_url : request.url;
        state.response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
        return std::move(state.response);
    }

    // Runs the transfer in the handle's multi stack, polling in short slices so
    // an abort is seen quickly; returns curl's result and whether it was aborted.
    std::pair<CURLcode, bool> drive(Handle& handle, bool abortable) const {
        if (m_curl.multi_add_handle(handle.multi, handle.easy) != CURLM_OK) {
            return {CURLE_FAILED_INIT, false};
        }
        CURLcode code = CURLE_OK;
        bool aborted = false;
        bool done = false;
        while (!done) {
            int running = 0;
            if (m_curl.multi_perform(handle.multi, &running) != CURLM_OK) {
                code = CURLE_FAILED_INIT;
                break;
            }
            int left = 0;
            while (CURLMsg* message = m_curl.multi_info_read(handle.multi, &left)) {
                if (message->msg == CURLMSG_DONE && message->easy_handle == handle.easy) {
                    code = message->data.result;
                    done = true;
                }
            }
            if (done || running == 0) {
                break;
            }
            if (abortable && abort_requested()) {
                aborted = true;
                break;
            }
            if (m_curl.multi_poll(handle.multi, nullptr, 0, k_poll_slice_ms, nullptr) != CURLM_OK) {
                code = CURLE_FAILED_INIT;
                break;
            }
        }
        m_curl.multi_remove_handle(handle.multi, handle.easy);
        if (code == CURLE_ABORTED_BY_CALLBACK) {
            aborted = true;
        }
        return {code, aborted};
    }

    const CurlApi& m_curl;
    TransportOptions m_options;
    CURLSH* m_share = nullptr;
    Locks m_locks;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<Handle>> m_idle;
    std::atomic<std::size_t> m_connections{0};
};

} // namespace

std::shared_ptr<CurlTransport> make_curl_transport(TransportOptions options) {
    auto api = curl_api();
    if (!api) {
        throw std::runtime_error(api.error());
    }
    return std::make_shared<CurlTransportImpl>(**api, std::move(options));
}

} // namespace roundtable::http
