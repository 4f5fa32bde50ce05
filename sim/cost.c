/* cost.c -- see cost.h. */
#include "cost.h"

double cost_instance_usd(double price_per_hour, double created_t, double end_t)
{
	double s = end_t - created_t;
	if (s < COST_MIN_BILLED_SECONDS)
		s = COST_MIN_BILLED_SECONDS;
	return price_per_hour * s / 3600.0;
}

double cost_fee_usd(double price_per_hour, double seconds)
{
	return price_per_hour * seconds / 3600.0;
}

double cost_per_month(double cost_usd, double sim_seconds)
{
	return sim_seconds > 0 ? cost_usd * COST_HOURS_PER_MONTH * 3600.0 / sim_seconds : 0.0;
}
