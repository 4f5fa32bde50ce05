/*
 * cost.h -- what a cluster costs: EC2 per-second billing with a 60-second
 * minimum per instance, plus per-cluster hourly fees (EKS control plane,
 * load balancer), plus burstable surplus credits (charged by credits.c).
 *
 * Billing starts at launch (created_t), not at Ready, as EC2 bills, and
 * stops at termination (deleted_t) or at the end of the run for nodes still
 * running. Monthly figures scale a run's cost to 720 hours, the month AWS
 * price pages use. Pure functions.
 */
#ifndef CLUSTERSIM_COST_H
#define CLUSTERSIM_COST_H

#define COST_MIN_BILLED_SECONDS 60.0
#define COST_HOURS_PER_MONTH 720.0

/* USD for one instance billed from created_t to end_t (s). */
double cost_instance_usd(double price_per_hour, double created_t, double end_t);
/* USD of an hourly fee over seconds. */
double cost_fee_usd(double price_per_hour, double seconds);
/* Scales a cost over sim_seconds to 720 h. */
double cost_per_month(double cost_usd, double sim_seconds);

#endif
