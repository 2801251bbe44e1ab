// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// How long a Prometheus scrape of /metrics takes for racks of N Pis: rendering the exposition alone,
// and a whole HTTPS round trip (one kept-alive TLS connection, as Prometheus scrapes) through
// rackd's HttpServer and HttpApi. Server and client share one thread, so a round trip counts both
// sides' work. Prints a Markdown table.
//
// Usage: metrics-bench [--runs R] N...   (default: --runs 200 48 1000)
#include "http/httpapi.h"
#include "http/httpserver.h"
#include "protocol/tlsconfiguration.h"
#include "protocol/tlsidentity.h"

#include "httpbench.h"

using namespace Qt::Literals::StringLiterals;

namespace {

RackMetrics syntheticRack(int pis)
{
    RackMetrics rack;
    rack.version = u"bench"_s;
    const int perStack = 4;
    for (int stack = 1; stack <= (pis + perStack - 1) / perStack; ++stack)
        rack.stacks.append({stack, true, u"ok"_s, 3, 0, false, {}});
    for (int i = 0; i < pis; ++i) {
        const int stack = i / perStack + 1;
        const int slot = i % perStack + 1;
        const QJsonObject report {{u"cpu_percent"_s, 12.5 + i % 7}, {u"temperature_c"_s, 41.2 + i % 9},
            {u"memory_total_kib"_s, 3884096}, {u"memory_available_kib"_s, 3100000 - i}, {u"load1"_s, 0.25},
            {u"load5"_s, 0.2}, {u"load15"_s, 0.1}, {u"uptime_s"_s, 86400 + i},
            {u"throttled"_s,
                QJsonObject {{u"raw"_s, u"0x0"_s}, {u"under_voltage"_s, false},
                    {u"frequency_capped"_s, false}, {u"throttled"_s, false},
                    {u"soft_temperature_limit"_s, false}, {u"under_voltage_occurred"_s, false},
                    {u"throttled_occurred"_s, false}}}};
        rack.nodes.append(
            {u"s%1-n%2"_s.arg(stack).arg(slot), stack, slot, true, 1.2, report, false, u"ok"_s});
    }
    rack.agentsConnected = pis;
    return rack;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const std::optional<HttpBench::Arguments> arguments
        = HttpBench::parseArguments(app.arguments().mid(1), "metrics-bench");
    if (!arguments)
        return 2;
    const int runs = arguments->runs;

    QString error;
    const std::optional<TlsIdentity> identity = TlsIdentity::generate(u"rackd"_s, &error);
    if (!identity) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::printf("| Pis | exposition size | render (median / p95) | HTTPS scrape (median / p95) |\n");
    std::printf("|----:|----------------:|----------------------:|----------------------------:|\n");
    for (const int pis : arguments->sizes) {
        const RackMetrics rack = syntheticRack(pis);
        QList<double> render;
        qsizetype size = 0;
        for (int run = 0; run < runs; ++run) {
            QElapsedTimer clock;
            clock.start();
            size = rack.exposition().size();
            render.append(double(clock.nsecsElapsed()) / 1e6);
        }

        HttpApi api(nullptr, nullptr, [&rack] { return rack; }, {});
        HttpServer server([&api](const HttpRequest &request, const QHostAddress &peer,
                              const HttpServer::Respond &respond) { api.handle(request, peer, respond); });
        if (!server.listen(QHostAddress::LocalHost, 0, PiRackTls::serverConfiguration(*identity), &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        QSslSocket client;
        if (!HttpBench::connectClient(&client, server.port())) {
            std::fprintf(stderr, "no TLS connection: %s\n", qPrintable(client.errorString()));
            return 1;
        }
        QList<double> scrapes;
        QByteArray answer;
        for (int run = 0; run < runs; ++run) {
            const double ms
                = HttpBench::roundTrip(&client, "GET /metrics HTTP/1.1\r\nHost: rackd\r\n\r\n", &answer);
            if (ms < 0) {
                std::fprintf(stderr, "a scrape got no whole answer in 10 s\n");
                return 1;
            }
            scrapes.append(ms);
        }
        const HttpBench::Figures rendered = HttpBench::figuresOf(render);
        const HttpBench::Figures scraped = HttpBench::figuresOf(scrapes);
        std::printf("| %d | %.1f KiB | %.2f / %.2f ms | %.2f / %.2f ms |\n", pis, double(size) / 1024.0,
            rendered.medianMs, rendered.p95Ms, scraped.medianMs, scraped.p95Ms);
        std::fflush(stdout);
    }
    return 0;
}
