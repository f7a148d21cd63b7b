
select id, round(amount / 100.0, 2) as amount, region
from "dev_lake_app"."app_orders"
where amount >= 10