// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The agent's node identity and heartbeat metrics, read from /proc and /sys: the input is cut at
// lines holding only "%%" into the files below, in order, under a root folder of this process's
// own. /proc/stat has two parts, one per sample, as the CPU percentage needs two readings.
#include "fuzzsupport.h"

#include "agent.h"
#include "systemreader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace {

const QStringList Files {u"sys/class/net/eth0/address"_s, u"proc/sys/kernel/hostname"_s,
    u"proc/device-tree/model"_s, u"proc/device-tree/serial-number"_s, u"sys/devices/system/cpu/online"_s,
    u"sys/class/thermal/thermal_zone0/temp"_s, u"sys/class/thermal/thermal_zone0/type"_s, u"proc/meminfo"_s,
    u"proc/loadavg"_s, u"proc/uptime"_s, u"sys/devices/platform/soc/soc:firmware/get_throttled"_s,
    u"proc/stat"_s};
const QString SecondStat = u"proc/stat"_s;

void write(const QString &root, const QString &relative, const QByteArray &content)
{
    const QString path = QDir(root).filePath(relative);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        Fuzz::fail("cannot write a fixture file", path);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString root = Fuzz::temporaryDirectory() + u"/root"_s;
    const QList<QByteArray> lines = Fuzz::bytes(data, size).split('\n');
    QList<QByteArray> files(Files.size() + 1);
    qsizetype file = 0;
    for (const QByteArray &line : lines) {
        if (line == "%%") {
            if (++file > Files.size())
                break;
            continue;
        }
        files[file] += line + '\n';
    }
    for (qsizetype i = 0; i < Files.size(); ++i)
        write(root, Files.at(i), files.at(i));

    SystemReader reader(root);
    for (const QString &interfaceName : {QString(), u"eth0"_s}) {
        const NodeIdentity identity = reader.identity(interfaceName);
        PIRACK_FUZZ_CHECK(identity.mac.isEmpty() || identity.mac.size() == 17, identity.mac);
        PIRACK_FUZZ_CHECK(identity.cores >= 0, QString::number(identity.cores));
        agentHelloIdentity(identity);
    }
    reader.sample().toJson();
    write(root, SecondStat, files.at(Files.size()));
    reader.sample().toJson();
    return 0;
}
