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

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSslSocket>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace {

RackMetrics syntheticRack(int pis)
{
    RackMetrics rack;
    rack.version = u"bench"_s;
    const int perStack = 4;
    for (int stack = 1; stack <= (pis + perStack - 1) / perStack; ++stack)
        rack.stacks.append({stack, true, u"ok"_s, 3, 0});
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
        rack.nodes.append({u"s%1-n%2"_s.arg(stack).arg(slot), stack, slot, true, 1.2, report});
    }
    rack.agentsConnected = pis;
    return rack;
}

struct Figures
{
    double medianMs = 0;
    double p95Ms = 0;
};

Figures figuresOf(QList<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return {samples.at(samples.size() / 2), samples.at(qMin(samples.size() - 1, samples.size() * 95 / 100))};
}

/// One GET /metrics on a kept-alive connection; its milliseconds, or -1 on failure. Waits in an event
/// loop woken by the socket (QTest::qWaitFor would add its own 10 ms naps to the figure).
double scrapeOnce(QSslSocket *socket, qsizetype *bodySize)
{
    QElapsedTimer clock;
    clock.start();
    socket->write("GET /metrics HTTP/1.1\r\nHost: rackd\r\n\r\n");
    QByteArray received;
    qsizetype expected = -1;
    bool done = false;
    QEventLoop loop;
    const auto read = [&] {
        received += socket->readAll();
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        if (headEnd >= 0 && expected < 0) {
            const qsizetype at = received.toLower().indexOf("content-length:");
            const qsizetype end = received.indexOf('\r', at);
            expected = headEnd + 4 + received.mid(at + 15, end - at - 15).trimmed().toLongLong();
        }
        if (expected >= 0 && received.size() >= expected) {
            done = true;
            loop.quit();
        }
    };
    const QMetaObject::Connection connection = QObject::connect(socket, &QIODevice::readyRead, &loop, read);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(connection);
    *bodySize = received.size();
    return done ? double(clock.nsecsElapsed()) / 1e6 : -1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int runs = 200;
    QList<int> sizes;
    const QStringList arguments = app.arguments().mid(1);
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        bool ok = false;
        if (arguments.at(i) == u"--runs" && i + 1 < arguments.size()) {
            runs = arguments.at(++i).toInt(&ok);
        } else {
            sizes.append(arguments.at(i).toInt(&ok));
        }
        if (!ok || (sizes.isEmpty() ? runs : sizes.constLast()) < 1) {
            std::fprintf(stderr, "usage: metrics-bench [--runs R] N...\n");
            return 2;
        }
    }
    if (sizes.isEmpty())
        sizes = {48, 1000};

    QString error;
    const std::optional<TlsIdentity> identity = TlsIdentity::generate(u"rackd"_s, &error);
    if (!identity) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::printf("| Pis | exposition size | render (median / p95) | HTTPS scrape (median / p95) |\n");
    std::printf("|----:|----------------:|----------------------:|----------------------------:|\n");
    for (const int pis : std::as_const(sizes)) {
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
        client.setPeerVerifyMode(QSslSocket::VerifyNone);
        client.connectToHostEncrypted(u"127.0.0.1"_s, server.port());
        if (!QTest::qWaitFor([&] { return client.isEncrypted(); }, 10000)) {
            std::fprintf(stderr, "no TLS connection: %s\n", qPrintable(client.errorString()));
            return 1;
        }
        QList<double> scrapes;
        qsizetype answer = 0;
        for (int run = 0; run < runs; ++run) {
            const double ms = scrapeOnce(&client, &answer);
            if (ms < 0) {
                std::fprintf(stderr, "a scrape got no whole answer in 10 s\n");
                return 1;
            }
            scrapes.append(ms);
        }
        const Figures rendered = figuresOf(render);
        const Figures scraped = figuresOf(scrapes);
        std::printf("| %d | %.1f KiB | %.2f / %.2f ms | %.2f / %.2f ms |\n", pis, double(size) / 1024.0,
            rendered.medianMs, rendered.p95Ms, scraped.medianMs, scraped.p95Ms);
        std::fflush(stdout);
    }
    return 0;
}
