package io.basalt.server;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Date;

/**
 * The headers every DynamoDB response carries besides its body's: {@code Server}, {@code Date} and, for a browser's
 * request (one with an {@code Origin}), the CORS headers. Sources for each value are in docs/design/http.md.
 */
final class ResponseHeaders {
    // Header names as DynamoDB capitalises them (live captures); HTTP does not care, but people reading traces do.
    static final AsciiString SERVER = AsciiString.cached("Server");
    static final AsciiString DATE = AsciiString.cached("Date");
    static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    static final AsciiString CONTENT_ENCODING = AsciiString.cached("Content-Encoding");
    static final AsciiString CONNECTION = AsciiString.cached("Connection");
    static final AsciiString ALLOW_ORIGIN = AsciiString.cached("Access-Control-Allow-Origin");
    static final AsciiString ALLOW_HEADERS = AsciiString.cached("Access-Control-Allow-Headers");
    static final AsciiString ALLOW_METHODS = AsciiString.cached("Access-Control-Allow-Methods");
    static final AsciiString EXPOSE_HEADERS = AsciiString.cached("Access-Control-Expose-Headers");
    static final AsciiString MAX_AGE_HEADER = AsciiString.cached("Access-Control-Max-Age");
    static final AsciiString REQUEST_ID = AsciiString.cached("x-amzn-RequestId");
    static final AsciiString CRC32 = AsciiString.cached("x-amz-crc32");
    /** DynamoDB names itself "Server" (live responses, 2020 and 2021 captures). */
    private static final AsciiString SERVER_NAME = AsciiString.cached("Server");
    private static final AsciiString ANY_ORIGIN = AsciiString.cached("*");
    /** What DynamoDB lets a script read from a cross-origin response (live preflight capture, 2021). */
    private static final AsciiString EXPOSED = AsciiString.cached(
            "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date");
    /** How long a browser may cache DynamoDB's preflight answer: two days (live preflight capture, 2021). */
    private static final AsciiString MAX_AGE = AsciiString.cached("172800");

    /** The Date header of the current second: formatting it once a second, not once a response. */
    private static volatile CachedDate date = new CachedDate(-1, AsciiString.EMPTY_STRING);

    private record CachedDate(long second, AsciiString value) {
    }

    private ResponseHeaders() {
    }

    /** Adds Server and Date, as DynamoDB sends them first on every response. */
    static void addServerAndDate(HttpHeaders headers) {
        headers.add(SERVER, SERVER_NAME).add(DATE, now());
    }

    /**
     * Adds what DynamoDB answers a request that names an {@code Origin}: any origin may read the response, and
     * these headers of it. (DynamoDB sends both on every such response; Alternator's test_cors.py, run against
     * DynamoDB, checks them on GET, POST and OPTIONS.)
     */
    static void addCors(HttpHeaders headers) {
        headers.add(ALLOW_ORIGIN, ANY_ORIGIN).add(EXPOSE_HEADERS, EXPOSED);
    }

    /**
     * Adds the answer to a preflight {@code OPTIONS}: the requested headers and method are echoed as allowed,
     * and the answer may be cached for two days. Only a preflight carries these (test_cors.py).
     */
    static void addPreflight(HttpHeaders headers, HttpHeaders request) {
        headers.add(ALLOW_ORIGIN, ANY_ORIGIN);
        String requestedHeaders = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (requestedHeaders != null) {
            headers.add(ALLOW_HEADERS, requestedHeaders);
        }
        String requestedMethod = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (requestedMethod != null) {
            headers.add(ALLOW_METHODS, requestedMethod);
        }
        headers.add(EXPOSE_HEADERS, EXPOSED).add(MAX_AGE_HEADER, MAX_AGE);
    }

    /**
     * The current time as HTTP's IMF-fixdate (RFC 9110 section 5.6.7, the RFC 1123 form), for example
     * {@code Sun, 06 Nov 1994 08:49:37 GMT}.
     */
    static AsciiString now() {
        long millis = System.currentTimeMillis();
        long second = millis / 1000;
        CachedDate cached = date;
        if (cached.second() != second) {
            // A race here formats the same second twice; both results are equal, so either may win.
            cached = new CachedDate(second, new AsciiString(DateFormatter.format(new Date(second * 1000))));
            date = cached;
        }
        return cached.value();
    }
}
