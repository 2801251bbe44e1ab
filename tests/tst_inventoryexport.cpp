// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The exported inventories, byte for byte, and Ansible's own reading of them.
#include "install/inventoryexport.h"
#include "testfiles.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

NodeRecord node(const QString &mac, std::optional<int> stack, std::optional<int> slot, int cores = 4)
{
    NodeRecord record;
    record.mac = mac;
    record.stack = stack;
    record.slot = slot;
    if (stack && slot) {
        record.name = u"s%1-n%2"_s.arg(*stack).arg(*slot);
        record.address = u"10.42.0.%1"_s.arg(10 + (*stack - 1) * 4 + *slot);
    }
    if (cores > 0)
        record.identity.insert(u"cores"_s, cores);
    return record;
}

// Out of order on purpose, with one node not placed yet and one whose cores are unknown.
QList<NodeRecord> rackNodes()
{
    return {node(u"02:00:00:00:02:01"_s, 2, 1), node(u"02:00:00:00:01:02"_s, 1, 2, 0),
        node(u"02:00:00:00:09:09"_s, std::nullopt, std::nullopt), node(u"02:00:00:00:01:01"_s, 1, 1)};
}

} // namespace

class TestInventoryExport : public QObject
{
    Q_OBJECT

    QJsonObject ansibleReads(const QByteArray &inventory, const QString &suffix)
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"inventory"_s + suffix);
        if (!writeFile(file, inventory))
            return {};
        QProcess ansible;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"ANSIBLE_LOCAL_TEMP"_s, dir.filePath(u"tmp"_s));
        environment.insert(u"ANSIBLE_INVENTORY_UNPARSED_FAILED"_s, u"true"_s); // refuse, never guess
        ansible.setProcessEnvironment(environment);
        ansible.start(u"ansible-inventory"_s, {u"-i"_s, file, u"--list"_s});
        if (!ansible.waitForFinished(120000) || ansible.exitCode() != 0) {
            qWarning().noquote() << ansible.readAllStandardError();
            return {};
        }
        return QJsonDocument::fromJson(ansible.readAllStandardOutput()).object();
    }

    void checkAnsibleGroups(const QJsonObject &listed)
    {
        QCOMPARE(listed.value(u"stack1"_s)[u"hosts"_s].toArray(), (QJsonArray {u"s1-n1"_s, u"s1-n2"_s}));
        QCOMPARE(listed.value(u"stack2"_s)[u"hosts"_s].toArray(), QJsonArray {u"s2-n1"_s});
        QCOMPARE(listed.value(u"pirack"_s)[u"children"_s].toArray(), (QJsonArray {u"stack1"_s, u"stack2"_s}));
        const QJsonObject hostvars = listed.value(u"_meta"_s)[u"hostvars"_s].toObject();
        QCOMPARE(hostvars.value(u"s1-n2"_s)[u"ansible_host"_s].toString(), u"10.42.0.12"_s);
        QCOMPARE(hostvars.value(u"s2-n1"_s)[u"ansible_host"_s].toString(), u"10.42.0.15"_s);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // scripts/test.sh installs ansible-core; Ansible's own parser is the judge of these files.
        QVERIFY2(!QStandardPaths::findExecutable(u"ansible-inventory"_s).isEmpty(),
            "ansible-inventory is missing: install the Debian package ansible-core");
    }

    void formatsByName()
    {
        for (const QString &name : InventoryExport::formatNames())
            QVERIFY(InventoryExport::formatFromName(name));
        QVERIFY(!InventoryExport::formatFromName(u"csv"_s));
    }

    void ansibleIni()
    {
        const QByteArray text = InventoryExport::render(InventoryExport::Format::AnsibleIni, rackNodes());
        QCOMPARE(text,
            QByteArray("# PiRack inventory: one group per stack, all of them in [pirack].\n\n[stack1]\n"
                       "s1-n1 ansible_host=10.42.0.11\ns1-n2 ansible_host=10.42.0.12\n\n[stack2]\n"
                       "s2-n1 ansible_host=10.42.0.15\n\n[pirack:children]\nstack1\nstack2\n"));
        checkAnsibleGroups(ansibleReads(text, u".ini"_s));
    }

    void ansibleYaml()
    {
        const QByteArray text = InventoryExport::render(InventoryExport::Format::AnsibleYaml, rackNodes());
        QVERIFY(text.contains("        stack1:\n          hosts:\n            s1-n1:\n              "
                              "ansible_host: 10.42.0.11\n"));
        checkAnsibleGroups(ansibleReads(text, u".yml"_s));
    }

    void hostsAndMpi()
    {
        QCOMPARE(InventoryExport::render(InventoryExport::Format::Hosts, rackNodes()),
            QByteArray(
                "# PiRack nodes, for /etc/hosts\n10.42.0.11 s1-n1\n10.42.0.12 s1-n2\n10.42.0.15 s2-n1\n"));
        QCOMPARE(InventoryExport::render(InventoryExport::Format::Mpi, rackNodes()),
            QByteArray("# PiRack MPI hostfile: each Pi's cores as its slots\ns1-n1 slots=4\ns1-n2 slots=1\n"
                       "s2-n1 slots=4\n"));
    }

    void json()
    {
        const QJsonArray nodes
            = QJsonDocument::fromJson(InventoryExport::render(InventoryExport::Format::Json, rackNodes()))
                  .object()
                  .value(u"nodes"_s)
                  .toArray();
        QCOMPARE(nodes.size(), 3);
        QCOMPARE(nodes.at(0)[u"name"_s].toString(), u"s1-n1"_s);
        QCOMPARE(nodes.at(2)[u"mac"_s].toString(), u"02:00:00:00:02:01"_s);
        QCOMPARE(nodes.at(2)[u"stack"_s].toInt(), 2);
    }

    void anEmptyRackIsStillAValidInventory()
    {
        const QJsonObject listed
            = ansibleReads(InventoryExport::render(InventoryExport::Format::AnsibleIni, {}), u".ini"_s);
        QVERIFY(listed.contains(u"all"_s));
        QVERIFY(!listed.contains(u"stack1"_s));
    }
};

QTEST_GUILESS_MAIN(TestInventoryExport)
#include "tst_inventoryexport.moc"
