/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen-domain DISKS FILE: writes an oVirt-style domain XML with DISKS disks,
 * the shape VDSM hands to hooks: double quotes, 4-space indent, namespaced
 * <metadata>. 18 disks make the typical ~8 KB document; 20 000 about 5 MB;
 * 200 000 about 50 MB.
 */
#include <stdio.h>
#include <stdlib.h>

static const char head[] =
        "<?xml version='1.0' encoding='utf-8'?>\n"
        "<domain xmlns:ns0=\"http://ovirt.org/vm/tune/1.0\" xmlns:ovirt-vm=\"http://ovirt.org/vm/1.0\" "
        "type=\"kvm\">\n"
        "    <name>bench-vm</name>\n"
        "    <uuid>2a1c7d44-3b1e-4f6a-9c8d-0e5f4a3b2c1d</uuid>\n"
        "    <memory>1048576</memory>\n"
        "    <currentMemory>1048576</currentMemory>\n"
        "    <iothreads>1</iothreads>\n"
        "    <maxMemory slots=\"16\">4194304</maxMemory>\n"
        "    <vcpu current=\"2\">16</vcpu>\n"
        "    <sysinfo type=\"smbios\">\n"
        "        <system>\n"
        "            <entry name=\"manufacturer\">oVirt</entry>\n"
        "            <entry name=\"product\">RHEL</entry>\n"
        "            <entry name=\"version\">8.6-1.el8</entry>\n"
        "            <entry name=\"family\">oVirt</entry>\n"
        "            <entry name=\"uuid\">2a1c7d44-3b1e-4f6a-9c8d-0e5f4a3b2c1d</entry>\n"
        "        </system>\n"
        "    </sysinfo>\n"
        "    <clock adjustment=\"0\" offset=\"variable\">\n"
        "        <timer name=\"rtc\" tickpolicy=\"catchup\" />\n"
        "        <timer name=\"pit\" tickpolicy=\"delay\" />\n"
        "        <timer name=\"hpet\" present=\"no\" />\n"
        "    </clock>\n"
        "    <features>\n"
        "        <acpi />\n"
        "    </features>\n"
        "    <cpu match=\"exact\">\n"
        "        <model>Skylake-Server</model>\n"
        "        <feature name=\"spec-ctrl\" policy=\"require\" />\n"
        "        <topology cores=\"1\" sockets=\"16\" threads=\"1\" />\n"
        "    </cpu>\n"
        "    <cputune />\n"
        "    <os>\n"
        "        <type arch=\"x86_64\" machine=\"pc-q35-rhel8.6.0\">hvm</type>\n"
        "        <smbios mode=\"sysinfo\" />\n"
        "    </os>\n"
        "    <metadata>\n"
        "        <ns0:qos />\n"
        "        <ovirt-vm:vm>\n"
        "            <ovirt-vm:minGuaranteedMemoryMb type=\"int\">1024</ovirt-vm:minGuaranteedMemoryMb>\n"
        "            <ovirt-vm:clusterVersion>4.7</ovirt-vm:clusterVersion>\n"
        "            <ovirt-vm:custom />\n"
        "            <ovirt-vm:device devtype=\"disk\" name=\"vda\">\n"
        "                <ovirt-vm:poolID>6b7b9a1e-5a2b-11ec-8f1a-525400123456</ovirt-vm:poolID>\n"
        "                <ovirt-vm:volumeID>0b3a9f6e-1c2d-4e5f-8a9b-7c6d5e4f3a2b</ovirt-vm:volumeID>\n"
        "                <ovirt-vm:imageID>1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6</ovirt-vm:imageID>\n"
        "                <ovirt-vm:domainID>2d3e4f5a-6b7c-8d9e-0f1a-b2c3d4e5f6a7</ovirt-vm:domainID>\n"
        "            </ovirt-vm:device>\n"
        "            <ovirt-vm:launchPaused>false</ovirt-vm:launchPaused>\n"
        "            <ovirt-vm:resumeBehavior>auto_resume</ovirt-vm:resumeBehavior>\n"
        "        </ovirt-vm:vm>\n"
        "    </metadata>\n"
        "    <on_poweroff>destroy</on_poweroff>\n"
        "    <on_reboot>restart</on_reboot>\n"
        "    <on_crash>destroy</on_crash>\n"
        "    <devices>\n"
        "        <emulator>/usr/libexec/qemu-kvm</emulator>\n"
        "        <channel type=\"unix\">\n"
        "            <target name=\"ovirt-guest-agent.0\" type=\"virtio\" />\n"
        "            <source mode=\"bind\" "
        "path=\"/var/lib/libvirt/qemu/channels/2a1c7d44.ovirt-guest-agent.0\" />\n"
        "        </channel>\n"
        "        <controller index=\"0\" model=\"virtio-scsi\" type=\"scsi\" />\n"
        "        <memballoon model=\"virtio\">\n"
        "            <stats period=\"5\" />\n"
        "        </memballoon>\n";

static const char disk[] = "        <disk device=\"disk\" snapshot=\"no\" type=\"file\">\n"
                           "            <source file=\"/rhev/data-center/mnt/nfs:_data/images/%08u\" />\n"
                           "            <target bus=\"scsi\" dev=\"sd%u\" />\n"
                           "            <driver cache=\"none\" io=\"threads\" name=\"qemu\" type=\"raw\" />\n"
                           "        </disk>\n";

static const char tail[] =
        "        <interface type=\"bridge\">\n"
        "            <mac address=\"00:1a:4a:16:01:51\" />\n"
        "            <source bridge=\"ovirtmgmt\" />\n"
        "            <model type=\"virtio\" />\n"
        "            <filterref filter=\"vdsm-no-mac-spoofing\" />\n"
        "        </interface>\n"
        "        <graphics autoport=\"yes\" passwd=\"*****\" passwdValidTo=\"1970-01-01T00:00:01\" "
        "port=\"-1\" tlsPort=\"-1\" type=\"spice\">\n"
        "            <listen network=\"vdsm-ovirtmgmt\" type=\"network\" />\n"
        "        </graphics>\n"
        "        <video>\n"
        "            <model heads=\"1\" ram=\"65536\" type=\"qxl\" vgamem=\"16384\" vram=\"8192\" />\n"
        "        </video>\n"
        "    </devices>\n"
        "</domain>\n";

int main(int argc, char *argv[]) {
        unsigned long disks;
        FILE *f;

        if (argc != 3) {
                fprintf(stderr, "usage: gen-domain DISKS FILE\n");
                return 64;
        }
        disks = strtoul(argv[1], NULL, 10);
        f = fopen(argv[2], "w");
        if (!f)
                return 1;
        fputs(head, f);
        for (unsigned long i = 0; i < disks; i++)
                fprintf(f, disk, (unsigned) i, (unsigned) i);
        fputs(tail, f);
        return fclose(f) == 0 ? 0 : 1;
}
