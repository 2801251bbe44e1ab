// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// How long a Redfish power-state read takes on racks of N Pis: building one ComputerSystem from
// rackd's memory alone, and a whole HTTPS GET of /redfish/v1/Systems/<name> (HTTP Basic with a
// rackd token, one kept-alive TLS connection, as provisioning tools poll) against a real rackd in
// this process, with N placed Pis in its inventory and every stack on. Also the Systems collection.
// Server and client share one thread, so a round trip counts both sides' work. Prints a Markdown table.
//
// Usage: redfish-bench [--runs R] N...   (default: --runs 200 48 1000)
#include "daemon.h"
#include "httpbench.h"
#include "redfish/redfishresources.h"
#include "storage/atomicfile.h"
#include "structure/structurereader.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int PisPerStack = 4;

QByteArray structureFor(int pis)
{
    const int stacks = (pis + PisPerStack - 1) / PisPerStack;
    const int columns = qMin(stacks, 32);
    const int rows = (stacks + columns - 1) / columns;
    QByteArray text = "[rack]\npi_stack = " + QByteArray::number(PisPerStack)
        + "\nrows = " + QByteArray::number(rows) + "\ncols = " + QByteArray::number(columns)
        + "\nrelay_backend = simulated\nstagger_delay = 0\nmin_switch_interval = 0\nmin_off_time = 0\n"
          "subnet = 10.0.0.0/16\nmaster_address = 10.0.0.1\nfirst_address = 10.0.1.1\n";
    for (int stack = 1; stack <= stacks; ++stack) {
        text += '[' + QByteArray::number(stack) + "]\nx = " + QByteArray::number((stack - 1) / columns + 1)
            + "\ny = " + QByteArray::number((stack - 1) % columns + 1) + '\n';
    }
    return text;
}

/// The state of an installed rack of `pis` placed Pis, in `folder`; false (and why) on failure.
bool prepareRack(const QDir &folder, int pis, quint16 httpPort, QString *error)
{
    const QByteArray structureText = structureFor(pis);
    const StructureLoadResult loaded = StructureReader::parse(structureText, u"rack.ini"_s);
    if (!loaded.structure) {
        *error = loaded.issues.isEmpty() ? u"bad structure"_s : loaded.issues.first().toString();
        return false;
    }
    if (!folder.mkpath(u"state"_s)
        || !AtomicFile::write(folder.filePath(u"rack.ini"_s), structureText, {}, error)
        || !AtomicFile::write(folder.filePath(u"boot_id"_s), "bench\n", {}, error))
        return false;
    NodeInventory inventory(folder.filePath(u"state/nodes.json"_s));
    for (int i = 0; i < pis; ++i) {
        const QString mac = u"dc:a6:32:%1:%2:%3"_s.arg(i >> 16 & 0xff, 2, 16, QLatin1Char('0'))
                                .arg(i >> 8 & 0xff, 2, 16, QLatin1Char('0'))
                                .arg(i & 0xff, 2, 16, QLatin1Char('0'));
        const QJsonObject identity {{u"hostname"_s, u"pi%1"_s.arg(i)},
            {u"model"_s, u"Raspberry Pi 4 Model B Rev 1.5"_s},
            {u"serial"_s, u"10000000%1"_s.arg(i, 8, 16, QLatin1Char('0'))}, {u"cores"_s, 4}};
        Protocol::Error placing;
        if (!inventory.registerNode(
                mac, identity, QCryptographicHash::hash(mac.toUtf8(), QCryptographicHash::Sha256), error)
            || !inventory.assign(
                mac, i / PisPerStack + 1, i % PisPerStack + 1, *loaded.structure, &placing)) {
            if (error->isEmpty())
                *error = placing.message;
            return false;
        }
    }
    if (!inventory.save(error))
        return false;
    const QByteArray config
        = "[rackd]\nlisten_address = 127.0.0.1\nlisten_port = 0\nstate_directory = state\n"
          "structure_file = rack.ini\nboot_id_file = boot_id\ndhcp_event_socket = off\n"
          "dnsmasq_hosts_file = dnsmasq/dhcp-hosts\ndnsmasq_pid_file = off\n"
          "http_listen_address = 127.0.0.1\nhttp_listen_port = "
        + QByteArray::number(httpPort) + '\n';
    return AtomicFile::write(folder.filePath(u"rackd.conf"_s), config, {}, error);
}

int fail(const QString &message)
{
    std::fprintf(stderr, "redfish-bench: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const std::optional<HttpBench::Arguments> arguments
        = HttpBench::parseArguments(app.arguments().mid(1), "redfish-bench");
    if (!arguments)
        return 2;
    qputenv("QT_LOGGING_RULES", "pirack.*.info=false");

    std::printf(
        "| Pis | ComputerSystem size | build (median / p95) | HTTPS GET ComputerSystem (median / p95) "
        "| HTTPS GET Systems (median / p95) |\n");
    std::printf("|----:|--------------------:|---------------------:|-------------------------------------:"
                "|---------------------------------:|\n");
    for (const int pis : arguments->sizes) {
        QTemporaryDir folder;
        QTcpServer probe;
        if (!folder.isValid() || !probe.listen(QHostAddress::LocalHost, 0))
            return fail(u"no temporary folder or free port"_s);
        const quint16 httpPort = probe.serverPort();
        probe.close();
        QString error;
        if (!prepareRack(QDir(folder.path()), pis, httpPort, &error))
            return fail(error);
        QStringList errors;
        const auto config = RackdConfig::readFile(QDir(folder.path()).filePath(u"rackd.conf"_s), &errors);
        if (!config)
            return fail(errors.join(u'\n'));
        Daemon daemon(*config);
        if (!daemon.start(&error))
            return fail(error);
        QFile tokenFile(QDir(folder.path()).filePath(u"state/initial-admin-token"_s));
        if (!tokenFile.open(QIODevice::ReadOnly))
            return fail(u"no admin token"_s);
        const QByteArray token = tokenFile.readAll().trimmed();

        // Every stack on, as a running rack is.
        bool powered = false;
        const Caller admin {TokenInfo {u"admin"_s, Role::Admin, {}, {}}, u"bench"_s};
        daemon.service()->handle(
            admin,
            {1, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, u"all"_s}, {u"staggered"_s, false}}},
            [](const Protocol::Event &) {},
            [&powered](const Protocol::Reply &reply) { powered = !reply.isError(); });
        if (!QTest::qWaitFor([&powered] { return powered; }, 60000))
            return fail(u"the stacks did not come on"_s);

        // The Pi polled: the last one, so that finding it walks the whole inventory.
        const QString name = u"s%1-n%2"_s.arg((pis - 1) / PisPerStack + 1).arg((pis - 1) % PisPerStack + 1);
        const RedfishResources resources(
            {daemon.powerController(), daemon.nodeManager(), daemon.fingerprint(), u"simulated"_s});
        QList<double> builds;
        qsizetype size = 0;
        for (int run = 0; run < arguments->runs; ++run) {
            QElapsedTimer clock;
            clock.start();
            const auto system = resources.resource(u"/redfish/v1/Systems/"_s + name);
            size = system ? QJsonDocument(*system).toJson(QJsonDocument::Compact).size() : 0;
            builds.append(double(clock.nsecsElapsed()) / 1e6);
            if (!system || system->value(u"PowerState"_s).toString() != u"On")
                return fail(name + u" is not there, or not on"_s);
        }

        QSslSocket client;
        if (!HttpBench::connectClient(&client, daemon.httpPort()))
            return fail(u"no TLS connection: "_s + client.errorString());
        const QByteArray credentials = QByteArray("pirack:") + token;
        const QByteArray authorization = "Authorization: Basic " + credentials.toBase64() + "\r\n";
        const auto measure = [&](const QString &path, QList<double> *samples) {
            const QByteArray request
                = "GET " + path.toUtf8() + " HTTP/1.1\r\nHost: rackd\r\n" + authorization + "\r\n";
            QByteArray answer;
            for (int run = 0; run < arguments->runs; ++run) {
                const double ms = HttpBench::roundTrip(&client, request, &answer);
                if (ms < 0 || !answer.startsWith("HTTP/1.1 200"))
                    return false;
                samples->append(ms);
            }
            return true;
        };
        QList<double> systemReads;
        QList<double> collectionReads;
        if (!measure(u"/redfish/v1/Systems/"_s + name, &systemReads)
            || !measure(u"/redfish/v1/Systems"_s, &collectionReads))
            return fail(u"a GET got no whole 200 answer in 10 s"_s);
        const HttpBench::Figures built = HttpBench::figuresOf(builds);
        const HttpBench::Figures read = HttpBench::figuresOf(systemReads);
        const HttpBench::Figures listed = HttpBench::figuresOf(collectionReads);
        std::printf("| %d | %.1f KiB | %.3f / %.3f ms | %.2f / %.2f ms | %.2f / %.2f ms |\n", pis,
            double(size) / 1024.0, built.medianMs, built.p95Ms, read.medianMs, read.p95Ms, listed.medianMs,
            listed.p95Ms);
        std::fflush(stdout);
    }
    return 0;
}
