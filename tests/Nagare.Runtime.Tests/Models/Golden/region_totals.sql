with __dbt__cte__order_regions as (

select region, count(*) as n from "dev_dwh"."orders" group by region
),
totals as (
    select * from __dbt__cte__order_regions
)
select
    sum(case when region = 'east' then n end) as east,
    sum(case when region = 'west' then n end) as west
from totals
-- built into "dev_mart_sales"."region_totals" for dev