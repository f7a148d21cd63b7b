-- Every yen paid must land on an order.
select
    orders.total as order_total,
    payments.total as payment_total
from (select sum(amount) as total from {{ ref('orders') }}) as orders
cross join (select sum(amount) as total from {{ ref('stg_payments') }}) as payments
where orders.total <> payments.total
