// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackdconfig.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestRackdConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        QStringList errors;
        const auto config = RackdConfig::parse("[rackd]\n", u"/etc/pirack/rackd.conf"_s, &errors);
        QVERIFY(config);
        QCOMPARE(config->listenPort, quint16(7420));
        QCOMPARE(config->listenAddress, QHostAddress(QHostAddress::Any));
        QCOMPARE(config->stateDirectory, u"/var/lib/pirack"_s);
        QCOMPARE(config->structureFile, u"/etc/pirack/structure_rack.ini"_s);
        QCOMPARE(config->coldBootPolicy, ColdBootPolicy::Restore);
        QCOMPARE(config->simulatedStateFile, u"/var/lib/pirack/simulated-relays.json"_s);
        QVERIFY(!config->relayBackend);
        QCOMPARE(config->httpListenPort, quint16(8443));
        QCOMPARE(config->httpListenAddress, QHostAddress(QHostAddress::Any));
        QVERIFY(!config->httpPlain);
        QVERIFY(config->metricsToken.isEmpty());
    }

    void theHttpListenerKeys()
    {
        QStringList errors;
        const auto config = RackdConfig::parse("[rackd]\nhttp_listen_address = ::1\nhttp_listen_port = 0\n"
                                               "http_plain = yes\nmetrics_token = 0123456789abcdef-xyz\n",
            u"r.conf"_s, &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QCOMPARE(config->httpListenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
        QCOMPARE(config->httpListenPort, quint16(0));
        QVERIFY(config->httpPlain);
        QCOMPARE(config->metricsToken, u"0123456789abcdef-xyz"_s);
        // Plain HTTP carries tokens in the clear: only on loopback.
        QVERIFY(!RackdConfig::parse("[rackd]\nhttp_plain = yes\n", u"r.conf"_s, &errors));
        QCOMPARE(errors.constLast(),
            u"r.conf:2: http_plain: plain HTTP is allowed only on a loopback http_listen_address (127.0.0.1 "
            u"or "
            u"::1), not any"_s);
        errors.clear();
        QVERIFY(!RackdConfig::parse("[rackd]\nhttp_listen_port = 99999\nhttp_plain = perhaps\n"
                                    "metrics_token = short\nhttp_listen_address = nowhere\n",
            u"r.conf"_s, &errors));
        QCOMPARE(errors,
            (QStringList {u"r.conf:2: http_listen_port: \"99999\" is not a port number (0 to 65535)"_s,
                u"r.conf:3: http_plain: \"perhaps\" is not yes or no"_s,
                u"r.conf:4: metrics_token: a metrics token is 16 or more visible ASCII characters, without spaces"_s,
                u"r.conf:5: http_listen_address: \"nowhere\" is not an IP address (or \"any\")"_s}));
    }

    void theRedfishKeys()
    {
        QStringList errors;
        const auto defaults = RackdConfig::parse("[rackd]\n", u"r.conf"_s, &errors);
        QVERIFY(defaults);
        QVERIFY(!defaults->redfishSharedPowerAllowed);
        QCOMPARE(defaults->redfishSessionTimeout, std::chrono::seconds(1800));
        const auto config = RackdConfig::parse(
            "[rackd]\nredfish_shared_power = Allow\nredfish_session_timeout = 600\n", u"r.conf"_s, &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QVERIFY(config->redfishSharedPowerAllowed);
        QCOMPARE(config->redfishSessionTimeout, std::chrono::seconds(600));
        QVERIFY(
            !RackdConfig::parse("[rackd]\nredfish_shared_power = sometimes\nredfish_session_timeout = 5\n",
                u"r.conf"_s, &errors));
        QCOMPARE(errors,
            (QStringList {u"r.conf:2: redfish_shared_power: \"sometimes\" is not refuse or allow"_s,
                u"r.conf:3: redfish_session_timeout: \"5\" is not a number of seconds from 60 to 86400"_s}));
    }

    void readsEveryKeyAndResolvesRelativePaths()
    {
        QStringList errors;
        const auto config = RackdConfig::parse(
            "[rackd]\nlisten_address = 127.0.0.1\nlisten_port = 0\nstate_directory = state\n"
            "structure_file = ../rack.ini\nrelay_backend = simulated\n"
            "cold_boot_policy = staged\nboot_id_file = boot\naudit_max_kib = 64\n"
            "audit_files_kept = 2\ndhcp_event_socket = run/dhcp.sock\ndhcp_lease_file = "
            "/var/lib/misc/dnsmasq.leases\n"
            "dhcp_log_file = /var/log/syslog\ndnsmasq_hosts_file = dnsmasq/hosts\ndnsmasq_names_file = "
            "\ndnsmasq_pid_file = off\ninstall_stack_timeout = 45\ninstall_settle_time = 0\n"
            "install_verify_timeout = 600.5\n",
            u"/srv/pirack/conf/rackd.conf"_s, &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QCOMPARE(config->listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(config->listenPort, quint16(0));
        QCOMPARE(config->stateDirectory, u"/srv/pirack/conf/state"_s);
        QCOMPARE(config->structureFile, u"/srv/pirack/rack.ini"_s);
        QCOMPARE(config->relayBackend, std::optional<RelayBackendKind>(RelayBackendKind::Simulated));
        QCOMPARE(config->coldBootPolicy, ColdBootPolicy::Staged);
        QCOMPARE(config->bootIdFile, u"/srv/pirack/conf/boot"_s);
        QCOMPARE(config->auditMaximumBytes, 64 * 1024);
        QCOMPARE(config->auditFilesKept, 2);
        QCOMPARE(config->dhcpEventSocket, u"/srv/pirack/conf/run/dhcp.sock"_s);
        QCOMPARE(config->dhcpLeaseFile, u"/var/lib/misc/dnsmasq.leases"_s);
        QCOMPARE(config->dhcpLogFile, u"/var/log/syslog"_s);
        QCOMPARE(config->dnsmasqHostsFile, u"/srv/pirack/conf/dnsmasq/hosts"_s);
        QVERIFY(config->dnsmasqNamesFile.isEmpty());
        QVERIFY(config->dnsmasqPidFile.isEmpty());
        QCOMPARE(config->installStackTimeout, std::chrono::milliseconds(45000));
        QCOMPARE(config->installSettleTime, std::chrono::milliseconds(0));
        QCOMPARE(config->installVerifyTimeout, std::chrono::milliseconds(600500));
        QVERIFY(RackdConfig::parse("[rackd]\ndhcp_event_socket = off\n", u"r.conf"_s, &errors)
                    ->dhcpEventSocket.isEmpty());
    }

    void errorsNameFileLineAndKey()
    {
        QStringList errors;
        const auto config
            = RackdConfig::parse("[rackd]\nlisten_port = 70000\ncold_boot_policy = maybe\nlisten_adress = x\n"
                                 "install_stack_timeout = 0.5\ndnsmasq_hosts_file =\n[other]\n",
                u"r.conf"_s, &errors);
        QVERIFY(!config);
        QCOMPARE(errors,
            (QStringList {u"r.conf:2: listen_port: \"70000\" is not a port number (0 to 65535)"_s,
                u"r.conf:3: cold_boot_policy: \"maybe\" is not restore, off or staged"_s,
                u"r.conf:4: listen_adress: unknown key"_s,
                u"r.conf:5: install_stack_timeout: \"0.5\" is not a number of seconds from 1 to 3600"_s,
                u"r.conf:6: dnsmasq_hosts_file: needs a file path"_s,
                u"r.conf:7: unknown section [other] (the settings go in [rackd])"_s}));
    }

    void exampleConfigurationIsValidAndShowsTheDefaults()
    {
        QStringList errors;
        const auto example = RackdConfig::readFile(
            QStringLiteral(PIRACK_SOURCE_DIR "/resources/config/rackd.conf"), &errors);
        QVERIFY2(example, qPrintable(errors.join(u'\n')));
        const auto defaults = RackdConfig::parse("[rackd]\n", u"/etc/pirack/rackd.conf"_s, &errors);
        QCOMPARE(example->listenPort, defaults->listenPort);
        QCOMPARE(example->listenAddress, defaults->listenAddress);
        QCOMPARE(example->stateDirectory, defaults->stateDirectory);
        QCOMPARE(example->structureFile, defaults->structureFile);
        QCOMPARE(example->coldBootPolicy, defaults->coldBootPolicy);
        QCOMPARE(example->auditMaximumBytes, defaults->auditMaximumBytes);
        QCOMPARE(example->auditFilesKept, defaults->auditFilesKept);
        QCOMPARE(example->heartbeatInterval, defaults->heartbeatInterval);
        QCOMPARE(example->joinHost, defaults->joinHost);
        QCOMPARE(example->dhcpEventSocket, defaults->dhcpEventSocket);
        QCOMPARE(example->dhcpLeaseFile, defaults->dhcpLeaseFile);
        QCOMPARE(example->dhcpLogFile, defaults->dhcpLogFile);
        QCOMPARE(example->dnsmasqHostsFile, defaults->dnsmasqHostsFile);
        QCOMPARE(example->dnsmasqNamesFile, defaults->dnsmasqNamesFile);
        QCOMPARE(example->dnsmasqPidFile, defaults->dnsmasqPidFile);
        QCOMPARE(example->installStackTimeout, defaults->installStackTimeout);
        QCOMPARE(example->installSettleTime, defaults->installSettleTime);
        QCOMPARE(example->installVerifyTimeout, defaults->installVerifyTimeout);
        QCOMPARE(example->httpListenAddress, defaults->httpListenAddress);
        QCOMPARE(example->httpListenPort, defaults->httpListenPort);
        QCOMPARE(example->httpPlain, defaults->httpPlain);
        QCOMPARE(example->metricsToken, defaults->metricsToken);
    }

    void missingFile()
    {
        QStringList errors;
        QVERIFY(!RackdConfig::readFile(u"/nonexistent/rackd.conf"_s, &errors));
        QCOMPARE(errors.size(), 1);
        QVERIFY(errors.at(0).startsWith(u"/nonexistent/rackd.conf: cannot read the configuration: "_s));
    }
};

QTEST_GUILESS_MAIN(TestRackdConfig)
#include "tst_rackdconfig.moc"
