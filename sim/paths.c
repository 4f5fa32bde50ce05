/* paths.c -- see paths.h. */
#include "paths.h"

#include <stdlib.h>
#include <sys/stat.h>

#ifndef CLUSTERSIM_SOURCE_DIR
#define CLUSTERSIM_SOURCE_DIR "."
#endif
#ifndef CLUSTERSIM_DATA_DIR
#define CLUSTERSIM_DATA_DIR "/usr/local/share/clustersim"
#endif

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *pick(const char *env, const char *source, const char *installed)
{
	const char *v = getenv(env);
	if (v && *v)
		return v;
	return is_dir(source) ? source : installed;
}

const char *paths_models_dir(void)
{
	return pick("CLUSTERSIM_MODELS", CLUSTERSIM_SOURCE_DIR "/models",
		    CLUSTERSIM_DATA_DIR "/models");
}

const char *paths_plot_dir(void)
{
	return pick("CLUSTERSIM_PLOT_SCRIPTS", CLUSTERSIM_SOURCE_DIR "/scripts/plot",
		    CLUSTERSIM_DATA_DIR "/scripts/plot");
}
