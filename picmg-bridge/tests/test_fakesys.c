/* Fake sysfs trees for the attribution tests (named test_*.c so the runner links it). */
#include "fakesys.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fakesys_create(char *root, size_t cap) {
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    if ((size_t)snprintf(root, cap, "%s/pb-sysfs-XXXXXX", tmp) >= cap) return -ENAMETOOLONG;
    return mkdtemp(root) ? 0 : -errno;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void fakesys_destroy(const char *root) {
    if (root && *root) nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int mkdir_p(char *path) {
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int r = mkdir(path, 0755);
        *p = '/';
        if (r < 0 && errno != EEXIST) return -errno;
    }
    if (mkdir(path, 0755) < 0 && errno != EEXIST) return -errno;
    return 0;
}

int fakesys_mkdir(const char *root, const char *rel) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    return mkdir_p(path);
}

int fakesys_write(const char *root, const char *rel, const char *content) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    int r = mkdir_p(path);
    *slash = '/';
    if (r < 0) return r;
    FILE *f = fopen(path, "w");
    if (!f) return -errno;
    fputs(content, f);
    return fclose(f) == 0 ? 0 : -errno;
}

int fakesys_slot(const char *root, const char *name, const char *address) {
    char rel[512];
    snprintf(rel, sizeof rel, "sys/bus/pci/slots/%s", name);
    int r = fakesys_mkdir(root, rel);
    if (r < 0 || !address) return r;
    snprintf(rel, sizeof rel, "sys/bus/pci/slots/%s/address", name);
    return fakesys_write(root, rel, address);
}

int fakesys_recorded_slots(const char *root, const char *slots_txt) {
    char line[1024];
    FILE *f = fopen(slots_txt, "r");
    if (!f) return -errno;
    int r = 0;
    while (fgets(line, sizeof line, f)) {
        char *save, *name = strtok_r(line, " \n", &save);
        if (!name) continue;
        r |= fakesys_slot(root, name, NULL);
        for (char *kv; (kv = strtok_r(NULL, " \n", &save));) {
            char *eq = strchr(kv, '=');
            if (!eq) continue;
            *eq = '\0';
            char rel[256], val[64];
            snprintf(rel, sizeof rel, "sys/bus/pci/slots/%s/%s", name, kv);
            snprintf(val, sizeof val, "%s\n", eq + 1);
            r |= fakesys_write(root, rel, val);
        }
    }
    fclose(f);
    return r;
}

int fakesys_func(const char *root, const char *devpath, const char *vendor, const char *device,
                 const char *svendor, const char *sdevice, const char *class_code, const char *driver,
                 const char *const *netdevs) {
    char rel[1024], val[64], path[4096], target[4096];
    const char *name = strrchr(devpath, '/') + 1;
    const char *attrs[][2] = {{"vendor", vendor}, {"device", device}, {"subsystem_vendor", svendor},
                              {"subsystem_device", sdevice}, {"class", class_code}};
    int r;
    for (size_t i = 0; i < 5; i++) {
        snprintf(rel, sizeof rel, "sys%s/%s", devpath, attrs[i][0]);
        snprintf(val, sizeof val, "%s\n", attrs[i][1]);
        if ((r = fakesys_write(root, rel, val)) < 0) return r;
    }
    if ((r = fakesys_mkdir(root, "sys/bus/pci/devices")) < 0) return r;
    snprintf(path, sizeof path, "%s/sys/bus/pci/devices/%s", root, name);
    snprintf(target, sizeof target, "../../..%s", devpath);
    if (symlink(target, path) < 0) return -errno;
    if (driver) {
        snprintf(rel, sizeof rel, "sys/bus/pci/drivers/%s", driver);
        if ((r = fakesys_mkdir(root, rel)) < 0) return r;
        snprintf(path, sizeof path, "%s/sys%s/driver", root, devpath);
        snprintf(target, sizeof target, "%s/sys/bus/pci/drivers/%s", root, driver);
        if (symlink(target, path) < 0) return -errno;
    }
    for (; netdevs && *netdevs; netdevs++) {
        snprintf(rel, sizeof rel, "sys%s/net/%s/ifindex", devpath, *netdevs);
        if ((r = fakesys_write(root, rel, "1\n")) < 0) return r;
    }
    return 0;
}
